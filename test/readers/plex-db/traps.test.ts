import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openLiveDatabase } from "../../../fixtures/plex/live.js";
import { writeSampleDatabase } from "../../../fixtures/plex/write.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import { openSnapshot } from "../../../src/readers/plex-db/open.js";
import { OWNER, SAMPLE_SCENARIO } from "../../../src/sample/index.js";
import { tempDirs } from "./helpers.js";

const tempDir = tempDirs();

function hashFiles(path: string): Record<string, string | null> {
  const hashes: Record<string, string | null> = {};
  for (const suffix of ["", "-wal", "-shm"]) {
    hashes[suffix || "db"] = existsSync(path + suffix)
      ? createHash("sha256")
          .update(readFileSync(path + suffix))
          .digest("hex")
      : null;
  }
  return hashes;
}

describe("Plex's hostile objects", () => {
  it("a naive count(*) fails on the ICU covering index; the reader scans NOT INDEXED and passes", async () => {
    const path = join(tempDir(), "hostile.db");
    writeSampleDatabase(path, { variant: "hostile", metadataIndexes: false });
    const naive = new Database(path, { readonly: true, fileMustExist: true });
    try {
      expect(() => naive.prepare("SELECT count(*) FROM metadata_items").get()).toThrow(/icu_root/);
      expect(() => naive.prepare("SELECT * FROM fts4_metadata_titles_icu").all()).toThrow(/collating/);
      expect(() => naive.prepare("SELECT * FROM spellfix_metadata_titles").all()).toThrow(/spellfix1/);
      expect(naive.prepare("SELECT count(*) AS n FROM metadata_items NOT INDEXED").get()).toEqual({ n: 26 });
    } finally {
      naive.close();
    }
    const snapshot = await openPlexDatabase(path, { timeZone: "UTC" }).read();
    expect(snapshot.items).toHaveLength(21);
    expect(snapshot.states.length).toBeGreaterThan(10);
  });
});

describe("reading a database Plex is writing", () => {
  it("sees rows that are only in the -wal, and leaves db, -wal and -shm byte for byte unchanged", async () => {
    const dir = tempDir();
    const path = join(dir, "com.plexapp.plugins.library.db");
    const writer = openLiveDatabase(path, SAMPLE_SCENARIO, {
      settings: [
        {
          accountId: OWNER,
          guid: "plex://movie/5d7768254ba1a2001fb48a10",
          viewCount: 1,
          lastViewedAt: "2025-01-01T20:00:00Z",
        },
      ],
      views: [
        { accountId: OWNER, guid: "plex://movie/5d7768254ba1a2001fb48a10", viewedAt: "2025-01-01T20:00:00Z" },
      ],
    });
    try {
      expect(existsSync(`${path}-wal`)).toBe(true);
      // A copy of the main file alone misses the late rows: they really are only in the -wal.
      const mainOnly = join(tempDir(), "main-only.db");
      copyFileSync(path, mainOnly);
      const stale = new Database(mainOnly, { readonly: true });
      expect(stale.prepare("SELECT count(*) AS n FROM metadata_item_views").get()).toEqual({ n: 16 });
      stale.close();

      const before = hashFiles(path);
      const snapshot = await openPlexDatabase(path, { timeZone: "UTC" }).read();
      expect(snapshot.historyEventCount).toBe(17);
      expect(
        snapshot.states.find((s) => s.identity === "plex://movie/5d7768254ba1a2001fb48a10"),
      ).toMatchObject({
        userId: "1",
        played: true,
        lastPlayedAt: new Date("2025-01-01T20:00:00Z"),
      });
      expect(hashFiles(path)).toEqual(before);
      expect(readdirSync(dir).sort()).toEqual([
        "com.plexapp.plugins.library.db",
        "com.plexapp.plugins.library.db-shm",
        "com.plexapp.plugins.library.db-wal",
      ]);
    } finally {
      writer.close();
    }
  });

  it("leaves a closed database unchanged and removes its temporary snapshot", async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const path = join(dir, "library.db");
    writeSampleDatabase(path, { variant: "hostile" });
    const before = hashFiles(path);
    const reader = openPlexDatabase(path, { timeZone: "UTC", tmpDir: tmp });
    const info = await reader.check();
    expect(info.schemaFingerprint).toMatch(/^plexdb-[0-9a-f]{16}$/);
    expect(readdirSync(tmp)).toHaveLength(1);
    await reader.read();
    expect(readdirSync(tmp)).toEqual([]);
    expect(hashFiles(path)).toEqual(before);
  });

  it("gives the same fingerprint for the same schema and a different one for another shape", async () => {
    const paths = ["a.db", "b.db", "c.db"].map((name) => join(tempDir(), name));
    const tmp = tempDir();
    writeSampleDatabase(paths[0]!);
    writeSampleDatabase(paths[1]!, { variant: "hostile" });
    writeSampleDatabase(paths[2]!, { variant: "legacy" });
    const readers = paths.map((p) => openPlexDatabase(p, { tmpDir: tmp }));
    const [a, b, c] = await Promise.all(readers.map((reader) => reader.check()));
    for (const reader of readers) reader.close();
    expect(readdirSync(tmp)).toEqual([]);
    expect(a!.schemaFingerprint).toBe(b!.schemaFingerprint);
    expect(c!.schemaFingerprint).not.toBe(a!.schemaFingerprint);
  });
});

describe("the in-place fallback for a database that never holds still", () => {
  it("takes one consistent backup() of the live file, -wal rows included, and cleans up", async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const path = join(dir, "com.plexapp.plugins.library.db");
    const writer = openLiveDatabase(path, SAMPLE_SCENARIO, {
      views: [{ accountId: OWNER, guid: "local://104", viewedAt: "2025-03-03T10:00:00Z" }],
    });
    try {
      const before = hashFiles(path);
      const snapshot = await openSnapshot(path, tmp, 0);
      try {
        expect(snapshot.db.prepare("SELECT count(*) FROM metadata_item_views").pluck().get()).toBe(17);
        expect(() => snapshot.db.prepare("DELETE FROM metadata_item_views").run()).toThrow();
      } finally {
        snapshot.close();
      }
      expect(readdirSync(tmp)).toEqual([]);
      // The data files are untouched; only SQLite's shared-memory index may differ.
      const after = hashFiles(path);
      expect(after.db).toBe(before.db);
      expect(after["-wal"]).toBe(before["-wal"]);
    } finally {
      writer.close();
    }
  });
});
