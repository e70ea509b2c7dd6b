// better-sqlite3 reads SQLITE_USE_URI once, when the first connection of the process opens; each
// test file runs in a process of its own (vitest.config.ts: forks), and this line runs before
// any connection, so the reader can open files where they lie as the CLI does.
process.env.SQLITE_USE_URI = "1";

import { copyFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../../src/model/index.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import { busyHistoryDb, tempDirs } from "./helpers.js";

const tempDir = tempDirs();

/** Everything but the moment of reading. */
function content(snapshot: Snapshot) {
  const { readAt: _, ...source } = snapshot.source;
  return { ...snapshot, source };
}

describe("reading a database nothing has open where it lies", () => {
  beforeAll(() => {
    // The premise of every case here: URI file names work in this process.
    const dir = tempDir();
    const path = join(dir, "probe.db");
    new Database(path).close();
    const probe = new Database(`${pathToFileURL(path).href}?immutable=1`, {
      readonly: true,
      fileMustExist: true,
    });
    probe.close();
  });

  it("makes no copy and no file beside it, and reads what a copy reads", async () => {
    const path = busyHistoryDb(tempDir());
    // The same file with a companion beside it: that one may be in use, so it is copied.
    const other = join(tempDir(), "com.plexapp.plugins.library.db");
    copyFileSync(path, other);
    writeFileSync(`${other}-journal`, "");
    const seen: Record<string, string[]> = {};
    const read = async (file: string, label: string) => {
      const tmp = tempDir();
      const snapshot = await openPlexDatabase(file, { timeZone: "UTC", tmpDir: tmp }).stream(() => {
        seen[label] = readdirSync(tmp);
        return { state() {}, history() {} };
      });
      expect(readdirSync(tmp)).toEqual([]);
      return snapshot;
    };
    const inPlace = await read(path, "in place");
    const copied = await read(other, "copied");
    expect(seen["in place"]).toEqual([]);
    expect(seen.copied).toHaveLength(1);
    expect(readdirSync(join(path, ".."))).toEqual(["com.plexapp.plugins.library.db"]);
    const whole = await openPlexDatabase(path, { timeZone: "UTC" }).read();
    const wholeCopied = await openPlexDatabase(other, { timeZone: "UTC" }).read();
    expect(content(whole)).toEqual(content(wholeCopied));
    expect(whole.history.length).toBeGreaterThan(0);
    expect({ ...inPlace, source: null }).toEqual({ ...copied, source: null });
  });

  it("reads again from a copy when the database is written while it is read", async () => {
    const path = busyHistoryDb(tempDir());
    const before = await openPlexDatabase(path, { timeZone: "UTC" }).read();
    let starts = 0;
    const snapshot = await openPlexDatabase(path, { timeZone: "UTC", historyInWorker: false }).read({
      task(label) {
        // Plex writes a play between reading the items and the history: the first pass mixes
        // two states of the file, so it must not count.
        if (label === "reading Plex watch state" && ++starts === 1) {
          const writer = new Database(path);
          writer
            .prepare(
              "INSERT INTO metadata_item_views (account_id, guid, viewed_at) VALUES (1, ?, 1700000000)",
            )
            .run(before.items[0]!.identity);
          writer.close();
        }
        return { tick() {}, setTotal() {}, finish() {} };
      },
    });
    expect(starts).toBe(2);
    expect(snapshot.historyEventCount).toBe(before.historyEventCount + 1);
    expect(existsSync(`${path}-journal`)).toBe(false);
  });
});
