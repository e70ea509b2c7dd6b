import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach } from "vitest";
import { writeSampleDatabase } from "../../../fixtures/plex/write.js";
import { FRIEND, MANAGED, OWNER } from "../../../src/sample/index.js";

/** A fresh temp folder per test, removed afterwards. */
export function tempDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), "plexodus-test-"));
    made.push(dir);
    return dir;
  };
}

/**
 * The sample database plus thousands of history rows: many per (account, guid), text and
 * number dates mixed, and every odd value a real database may hold (null, text or real
 * account ids, empty/null/blob guids, unreadable dates, non-ASCII guids).
 */
export function busyHistoryDb(dir: string): string {
  const path = join(dir, "com.plexapp.plugins.library.db");
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

/**
 * Three databases that exercise the reader's paths: busyHistoryDb, and the sample's legacy
 * (pre-2022 text dates) and hostile variants, both written in Europe/Berlin.
 */
export function readerDatabases(tempDir: () => string): string[] {
  const paths = [busyHistoryDb(tempDir())];
  for (const variant of ["legacy", "hostile"] as const) {
    const path = join(tempDir(), "com.plexapp.plugins.library.db");
    writeSampleDatabase(path, { variant, timeZone: "Europe/Berlin" });
    paths.push(path);
  }
  return paths;
}
