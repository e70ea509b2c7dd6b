import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../../fixtures/plex/write.js";
import { type PlexodusError, SourceError } from "../../../src/errors.js";
import type { Snapshot } from "../../../src/model/index.js";
import { SILENT_PROGRESS } from "../../../src/progress.js";
import { HistoryCollector, readHistory } from "../../../src/readers/plex-db/history.js";
import { startHistoryWorker } from "../../../src/readers/plex-db/history-worker.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import { Notes, TimeDecoder } from "../../../src/readers/plex-db/values.js";
import { FRIEND, MANAGED, OWNER } from "../../../src/sample/index.js";
import { tempDirs } from "./helpers.js";

const tempDir = tempDirs();

/**
 * The sample database plus thousands of history rows: many per (account, guid), text and
 * number dates mixed, and every odd value a real database may hold (null, text or real
 * account ids, empty/null/blob guids, unreadable dates, non-ASCII guids).
 */
function busyHistoryDb(): string {
  const path = join(tempDir(), "com.plexapp.plugins.library.db");
  writeSampleDatabase(path, { timeZone: "UTC" });
  const db = new Database(path);
  try {
    const guids = (
      db.prepare("SELECT guid FROM metadata_items NOT INDEXED").pluck().all() as string[]
    ).filter((g) => typeof g === "string" && g !== "");
    guids.push("plex://movie/ünïcødé-😀-ملف", "plex://episode/not-in-library");
    const accounts: unknown[] = [OWNER, MANAGED, FRIEND, 99, null, "7", 2.5, -3, 0];
    const dates: unknown[] = [
      1_600_000_000,
      1_700_000_123,
      -86_400,
      1_650_000_000.75,
      "2019-03-04 05:06:07",
      "2021-11-30 23:59:59",
      "not a date",
      null,
    ];
    const odd: unknown[] = [null, "", Buffer.from([0, 255])];
    const insert = db.prepare(
      "INSERT INTO metadata_item_views (account_id, guid, viewed_at) VALUES (?, ?, ?)",
    );
    // A fixed pseudo-random sequence: varied pairs, the same rows on every run.
    let seed = 12345;
    const pick = <T>(list: readonly T[]): T => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return list[Math.floor(seed / 65_536) % list.length]!;
    };
    db.transaction(() => {
      for (let i = 0; i < 6000; i++) {
        const guid = i % 97 === 0 ? pick(odd) : pick(guids);
        insert.run(pick(accounts), guid, pick(dates));
      }
      // One pair whose every date is unreadable or missing.
      for (const date of ["not a date", null, "also not"])
        insert.run(FRIEND, "plex://movie/never-dated", date);
    })();
  } finally {
    db.close();
  }
  return path;
}

const withoutReadAt = (snapshot: Snapshot) => ({ ...snapshot, source: { ...snapshot.source, readAt: null } });

describe("history summed in a worker thread", () => {
  it("gives the same snapshot as summing on the main thread", async () => {
    const path = busyHistoryDb();
    const serial = await openPlexDatabase(path, { timeZone: "Europe/Berlin", historyInWorker: false }).read();
    const parallel = await openPlexDatabase(path, {
      timeZone: "Europe/Berlin",
      historyInWorker: true,
    }).read();
    expect(serial.historyEventCount).toBeGreaterThan(6000);
    expect(serial.history.length).toBeGreaterThan(100);
    expect(serial.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(["history-row-skipped", "unreadable-timestamp", "history-without-date"]),
    );
    expect(withoutReadAt(parallel)).toEqual(withoutReadAt(serial));
  });

  it("packs groups across many small chunks without changing one of them", async () => {
    const path = busyHistoryDb();
    const collect = async (inWorker: boolean) => {
      const notes = new Notes();
      const collector = new HistoryCollector(
        new TimeDecoder("America/New_York", notes),
        notes,
        SILENT_PROGRESS.task("history"),
        new Map(),
      );
      if (!inWorker) {
        const db = new Database(path, { readonly: true });
        try {
          return { result: readHistory(db, collector), warnings: notes.warnings() };
        } finally {
          db.close();
        }
      }
      const worker = startHistoryWorker(path, 7);
      try {
        return { result: await worker.collect(collector), warnings: notes.warnings() };
      } finally {
        await worker.stop();
      }
    };
    const serial = await collect(false);
    const parallel = await collect(true);
    expect(parallel).toEqual(serial);
    expect(serial.result.summaries.some((s) => s.identity.includes("😀"))).toBe(true);
  });

  it("turns a damaged history table into the same SourceError both ways, and removes the snapshot", async () => {
    const path = join(tempDir(), "com.plexapp.plugins.library.db");
    writeSampleDatabase(path, { timeZone: "UTC" });
    const db = new Database(path);
    const root = db
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'metadata_item_views'")
      .pluck()
      .get();
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    db.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, ((root as number) - 1) * pageSize, (root as number) * pageSize);
    writeFileSync(path, bytes);

    const failures: unknown[] = [];
    for (const historyInWorker of [false, true]) {
      const tmpDir = tempDir();
      const error = await openPlexDatabase(path, { timeZone: "UTC", historyInWorker, tmpDir })
        .read()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as PlexodusError).exitCode).toBe(5);
      expect((error as Error).message).toMatch(/is damaged/);
      expect(readdirSync(tmpDir)).toEqual([]);
      failures.push((error as Error).message);
    }
    expect(failures[1]).toBe(failures[0]);
  });

  it("rejects instead of hanging when the worker cannot open the file or is stopped early", async () => {
    const missing = startHistoryWorker(join(tempDir(), "missing.db"));
    const failure = await missing.collect(collectorForTest()).catch((e: unknown) => e);
    await missing.stop();
    expect(failure).toBeInstanceOf(Database.SqliteError);
    expect((failure as { code: string }).code).toMatch(/^SQLITE_CANTOPEN/);

    const stopped = startHistoryWorker(busyHistoryDb());
    await stopped.stop();
    await expect(stopped.collect(collectorForTest())).rejects.toBeInstanceOf(SourceError);
  });
});

function collectorForTest(): HistoryCollector {
  const notes = new Notes();
  return new HistoryCollector(
    new TimeDecoder("UTC", notes),
    notes,
    SILENT_PROGRESS.task("history"),
    new Map(),
  );
}
