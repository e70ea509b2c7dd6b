import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../../fixtures/plex/write.js";
import { type PlexodusError, SourceError } from "../../../src/errors.js";
import type { Snapshot } from "../../../src/model/index.js";
import { SILENT_PROGRESS } from "../../../src/progress.js";
import { HistoryCollector } from "../../../src/readers/plex-db/history.js";
import { startHistoryReading } from "../../../src/readers/plex-db/history-worker.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import { detectSchema } from "../../../src/readers/plex-db/schema.js";
import { stateChunkSql } from "../../../src/readers/plex-db/state-sums.js";
import { Notes, TimeDecoder } from "../../../src/readers/plex-db/values.js";
import { busyHistoryDb, tempDirs } from "./helpers.js";

const tempDir = tempDirs();

const withoutReadAt = (snapshot: Snapshot) => ({ ...snapshot, source: { ...snapshot.source, readAt: null } });

describe("history summed in a worker thread", () => {
  it("gives the same snapshot as summing on the main thread", async () => {
    const path = busyHistoryDb(tempDir());
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
    const path = busyHistoryDb(tempDir());
    const db = new Database(path, { readonly: true });
    const stateSql = stateChunkSql(detectSchema(db, path));
    try {
      const missing = startHistoryReading(db, join(tempDir(), "missing.db"), true, stateSql);
      const failure = await missing.collect(collectorForTest()).catch((e: unknown) => e);
      await missing.stop();
      expect(failure).toBeInstanceOf(Database.SqliteError);
      expect((failure as { code: string }).code).toMatch(/^SQLITE_CANTOPEN/);

      const stopped = startHistoryReading(db, path, true, stateSql);
      await stopped.stop();
      await expect(stopped.collect(collectorForTest())).rejects.toBeInstanceOf(SourceError);
    } finally {
      db.close();
    }
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
