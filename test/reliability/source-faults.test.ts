import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openLiveDatabase } from "../../fixtures/plex/live.js";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { MANAGED, SAMPLE_SCENARIO } from "../../src/sample/index.js";
import { run } from "../helpers/io.js";
import { sampleRig, tempDir, writesOf } from "./harness.js";

/** Failure matrix, source side: every kind of bad Plex database exits 5 and says why. */

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function freshSample(): string {
  dir = tempDir();
  const path = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(path);
  return path;
}

async function inspect(path: string) {
  return run(["inspect", "--json", "--plex-db", path], { cwd: dir });
}

function digest(path: string): string | null {
  return existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : null;
}

type Case = [name: string, make: () => string, reason: RegExp];

const CASES: Case[] = [
  [
    "truncated database file",
    () => {
      const path = freshSample();
      truncateSync(path, 8192);
      return path;
    },
    /not a readable|damaged|malformed|corrupt|truncated|not a Plex/i,
  ],
  [
    "corrupted database file (garbage over its pages)",
    () => {
      const path = freshSample();
      const bytes = readFileSync(path);
      for (let at = 4096; at < bytes.length; at += 4096) bytes.fill(0xa5, at, at + 2048);
      writeFileSync(path, bytes);
      return path;
    },
    /damaged|malformed|corrupt|not a readable/i,
  ],
  [
    "non-Plex SQLite file",
    () => {
      dir = tempDir();
      const path = join(dir, "other.db");
      const db = new Database(path);
      db.exec("CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)");
      db.close();
      return path;
    },
    /not a Plex library database/,
  ],
  [
    "empty file",
    () => {
      dir = tempDir();
      const path = join(dir, "empty.db");
      writeFileSync(path, "");
      return path;
    },
    /empty/i,
  ],
  [
    "a directory",
    () => {
      dir = tempDir();
      const path = join(dir, "folder.db");
      mkdirSync(path);
      return path;
    },
    /directory|folder|not a file/i,
  ],
  [
    "missing file",
    () => {
      dir = tempDir();
      return join(dir, "nowhere.db");
    },
    /does not exist|not found|no such file|missing/i,
  ],
  [
    "too-old schema (last migration before 2018)",
    () => {
      const path = freshSample();
      const db = new Database(path);
      db.exec(
        "DELETE FROM schema_migrations; INSERT INTO schema_migrations (version) VALUES ('20150101000000')",
      );
      db.close();
      return path;
    },
    /older than plexodus supports.*20150101000000/,
  ],
  [
    "too-new schema (a newer migration that dropped a column plexodus reads)",
    () => {
      const path = freshSample();
      const db = new Database(path);
      db.exec("INSERT INTO schema_migrations (version) VALUES ('209901010000')");
      db.exec("ALTER TABLE metadata_item_settings DROP COLUMN view_offset");
      db.close();
      return path;
    },
    /missing metadata_item_settings\.view_offset.*209901010000/,
  ],
  [
    "a text file named like the database",
    () => {
      dir = tempDir();
      const path = join(dir, "com.plexapp.plugins.library.db");
      writeFileSync(path, "these are not the droids\n".repeat(400));
      return path;
    },
    /not a readable|not an SQLite|not a Plex|damaged/i,
  ],
];

describe("failure matrix: the Plex database", () => {
  it.each(CASES)("%s: exit 5 with the reason, nothing else read", async (_name, make, reason) => {
    const path = make();
    const result = await inspect(path);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toMatch(/bug in plexodus|at .*\.ts:\d+/);
    expect(result.stdout).toBe("");
  });

  it("a missing database through migrate: exit 5, nothing written to the target", async () => {
    const rig = await sampleRig();
    try {
      rmSync(rig.plexDb);
      const result = await rig.run("migrate");
      expect(result.code, result.stderr).toBe(5);
      expect(writesOf(rig.sandbox)).toBe(0);
    } finally {
      await rig.cleanup();
    }
  });

  it("database being written during the read (live WAL): sees the committed rows, leaves every file unchanged", async () => {
    dir = tempDir();
    const path = join(dir, "com.plexapp.plugins.library.db");
    const kidsGuids = new Set(
      SAMPLE_SCENARIO.settings.filter((s) => s.accountId === MANAGED).map((s) => s.guid),
    );
    const fresh = SAMPLE_SCENARIO.items.find((i) => i.kind === "movie" && !kidsGuids.has(i.guid));
    expect(fresh).toBeDefined();
    const before = await (async () => {
      writeSampleDatabase(path);
      const r = await inspect(path);
      return JSON.parse(r.stdout) as { users: { name: string; watched: number }[] };
    })();
    const writer = openLiveDatabase(path, SAMPLE_SCENARIO, {
      settings: [
        { accountId: MANAGED, guid: fresh!.guid, viewCount: 1, lastViewedAt: "2024-02-02T20:00:00Z" },
      ],
    });
    try {
      const files = ["", "-wal", "-shm"].map((s) => path + s);
      const digests = files.map(digest);
      expect(digests[1]).not.toBeNull();
      const result = await inspect(path);
      expect(result.code, result.stderr).toBe(0);
      const after = JSON.parse(result.stdout) as { users: { name: string; watched: number }[] };
      const kids = (doc: typeof after) => doc.users.find((u) => u.name === "Kids")!.watched;
      expect(kids(after)).toBe(kids(before) + 1);
      expect(files.map(digest)).toEqual(digests);
      // Plex keeps writing while we read: its connection still works.
      writer.prepare("UPDATE metadata_item_settings SET view_count = view_count + 1").run();
    } finally {
      writer.close();
    }
  });
});
