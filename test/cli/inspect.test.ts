import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { FRIEND, HISTORY_ONLY_ACCOUNT, MANAGED } from "../../src/sample/index.js";
import { run } from "../helpers/io.js";
import { tempDirs } from "../readers/plex-db/helpers.js";

const tempDir = tempDirs();

function sampleDb(variant: "current" | "legacy" | "hostile" = "current"): string {
  const path = join(tempDir(), "com.plexapp.plugins.library.db");
  writeSampleDatabase(path, { variant, timeZone: "UTC" });
  return path;
}

describe("plexodus inspect --json", () => {
  it("prints exactly the documented shape", async () => {
    const result = await run(["inspect", "--plex-db", sampleDb(), "--json", "--plex-timezone", "UTC"]);
    expect(result.stderr).not.toMatch(/plexodus:/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).sort()).toEqual([
      "libraries",
      "source",
      "totals",
      "users",
      "version",
      "warnings",
    ]);
    expect(report.version).toBe(1);
    expect(report.users).toEqual([
      {
        id: "1",
        name: "plexowner",
        isOwner: true,
        isPlaceholder: false,
        watched: 6,
        inProgress: 1,
        rated: 3,
        playlists: 2,
        historyPlays: 11,
        unknownFields: [],
        inferredFields: [],
      },
      {
        id: String(MANAGED),
        name: "Kids",
        isOwner: false,
        isPlaceholder: false,
        watched: 2,
        inProgress: 1,
        rated: 1,
        playlists: 1,
        historyPlays: 2,
        unknownFields: [],
        inferredFields: [],
      },
      {
        id: String(FRIEND),
        name: "alex.friend",
        isOwner: false,
        isPlaceholder: false,
        watched: 2,
        inProgress: 0,
        rated: 0,
        playlists: 0,
        historyPlays: 2,
        unknownFields: [],
        inferredFields: [],
      },
      {
        id: String(HISTORY_ONLY_ACCOUNT),
        name: `account-${HISTORY_ONLY_ACCOUNT}`,
        isOwner: false,
        isPlaceholder: true,
        watched: 0,
        inProgress: 0,
        rated: 0,
        playlists: 0,
        historyPlays: 1,
        unknownFields: [],
        inferredFields: [],
      },
    ]);
    expect(report.libraries).toEqual([
      { id: "1", name: "Movies", kind: "movie", items: 6, withExternalIds: 5 },
      { id: "2", name: "Old Movies", kind: "movie", items: 2, withExternalIds: 2 },
      { id: "3", name: "TV Shows", kind: "show", items: 9, withExternalIds: 9 },
      { id: "5", name: "Music", kind: "music", items: 4, withExternalIds: 1 },
    ]);
    expect(report.totals).toEqual({
      items: 21,
      watched: 10,
      inProgress: 2,
      rated: 4,
      history: 16,
      playlists: 3,
      collections: 1,
      orphanedStates: 1,
    });
    expect(report.source).toMatchObject({
      kind: "plex-db",
      schemaVersion: "202504161541.011",
      localTimeZone: null,
    });
    expect(report.source.schemaFingerprint).toMatch(/^plexdb-[0-9a-f]{16}$/);
  });

  it("reads the database from PLEXODUS_PLEX_DB and prints text without --json", async () => {
    const result = await run(["inspect"], {
      env: { PLEXODUS_PLEX_DB: sampleDb("hostile"), PLEXODUS_PLEX_TIMEZONE: "UTC" },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("plexowner [1] (owner): 6 watched, 1 in progress, 3 rated, 2 playlists");
    expect(result.stdout).toContain("Old Movies [2, movie]: 2 items, 100% with external ids");
    expect(result.stdout).toContain("Orphaned state rows (no matching item): 1");
    expect(result.stdout).toMatch(/Schema: plexdb-[0-9a-f]{16} \(last migration 202504161541\.011\)/);
  });

  it("reads the database when a Plex token for other commands is in the environment", async () => {
    // One environment serves every command: the token set for `plan --plex-url` stays unused.
    const token = "plex-token-for-plan-4c3b2a";
    const result = await run(["inspect", "--plex-db", sampleDb(), "--plex-timezone", "UTC"], {
      env: { PLEXODUS_PLEX_TOKEN: token, PLEXODUS_TAUTULLI_API_KEY: token },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("plexowner [1] (owner)");
    expect(`${result.stdout}${result.stderr}`).not.toContain(token);
    // Given as a flag, a token without its URL is still a mistake worth stopping for.
    const flagged = await run(["inspect", "--plex-db", sampleDb(), "--plex-token", token]);
    expect(flagged.code).toBe(3);
    expect(flagged.stderr).toContain("--plex-url");
  });

  it("reads a legacy database", async () => {
    const result = await run([
      "inspect",
      "--plex-db",
      sampleDb("legacy"),
      "--json",
      "--plex-timezone",
      "UTC",
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).totals.watched).toBe(10);
  });

  it("exits 3 on configuration errors", async () => {
    expect((await run(["inspect"])).code).toBe(3);
    const badZone = await run(["inspect", "--plex-db", sampleDb(), "--plex-timezone", "Mars/Olympus"]);
    expect(badZone.code).toBe(3);
    expect(badZone.stderr).toContain("--plex-timezone");
  });
});

describe("plexodus inspect on bad input exits 5 and says what is wrong", () => {
  const cases: Array<[string, (dir: string) => string, RegExp]> = [
    ["a missing file", (dir) => join(dir, "nope.db"), /does not exist/],
    [
      "a directory",
      (dir) => {
        mkdirSync(join(dir, "folder.db"));
        return join(dir, "folder.db");
      },
      /is a folder/,
    ],
    [
      "an empty file",
      (dir) => {
        writeFileSync(join(dir, "empty.db"), "");
        return join(dir, "empty.db");
      },
      /is empty/,
    ],
    [
      "a text file",
      (dir) => {
        writeFileSync(join(dir, "notes.db"), "these are not the tables you are looking for\n".repeat(100));
        return join(dir, "notes.db");
      },
      /not an SQLite database/,
    ],
    [
      "an SQLite database that is not Plex",
      (dir) => {
        const path = join(dir, "other.db");
        const db = new Database(path);
        db.exec(
          "CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO recipes (name) VALUES ('soup')",
        );
        db.close();
        return path;
      },
      /not a Plex library database/,
    ],
    [
      "a truncated database",
      (dir) => {
        const source = join(dir, "full.db");
        writeSampleDatabase(source);
        const bytes = readFileSync(source);
        const path = join(dir, "truncated.db");
        writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 3)));
        return path;
      },
      /damaged|cut short/,
    ],
    [
      "a corrupt database",
      (dir) => {
        const path = join(dir, "corrupt.db");
        writeSampleDatabase(path);

        const bytes = readFileSync(path);
        // Keep the header, scribble over the schema and data pages.
        bytes.fill(0xa5, 100, bytes.length);
        writeFileSync(path, bytes);
        return path;
      },
      /damaged/,
    ],
    [
      "a database older than the supported range",
      (dir) => {
        const path = join(dir, "old.db");
        const db = new Database(path);
        db.exec(`CREATE TABLE schema_migrations (version varchar(255) NOT NULL);
          INSERT INTO schema_migrations VALUES ('20090909023322'), ('20150101000000');
          CREATE TABLE metadata_items (id integer PRIMARY KEY, guid varchar(255));
          CREATE TABLE metadata_item_settings (id integer PRIMARY KEY, guid varchar(255));`);
        db.close();
        return path;
      },
      /older than plexodus supports/,
    ],
    [
      "a Plex-like database missing required columns",
      (dir) => {
        const path = join(dir, "shape.db");
        writeSampleDatabase(path);
        const db = new Database(path);
        db.exec(
          "DROP INDEX index_metadata_item_views_on_viewed_at; ALTER TABLE metadata_item_views DROP COLUMN viewed_at",
        );
        db.close();
        return path;
      },
      /missing metadata_item_views\.viewed_at/,
    ],
  ];

  it.each(cases)("%s", async (_name, make, message) => {
    const path = make(tempDir());
    const result = await run(["inspect", "--plex-db", path, "--json"]);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/unexpected error/);
  });
});
