import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { type RowTable, rowsOf, type Snapshot } from "../../src/model/index.js";
import { readSource, readSourceRows } from "../../src/pipeline/source.js";
import { SILENT_PROGRESS } from "../../src/progress.js";
import { busyHistoryDb, readerDatabases, tempDirs } from "../readers/plex-db/helpers.js";

const tempDir = tempDirs();

/** Every row of a table, person by person, as [person, identity, row]. */
function listed<T>(table: RowTable<T>, snapshot: Snapshot): Array<[string, string, T | undefined]> {
  const out: Array<[string, string, T | undefined]> = [];
  for (const user of snapshot.users) {
    for (const identity of table.get(user.id)?.keys() ?? [])
      out.push([user.id, identity, table.get(user.id)!.get(identity)]);
  }
  return out;
}

describe("reading the source into tables", () => {
  it("streams a database alone into tables holding what the whole read holds", async () => {
    const paths = readerDatabases(tempDir);
    let undated = 0;
    for (const plexDb of paths) {
      const config = loadConfig({ flags: { plexDb, plexTimezone: "Europe/Berlin" }, env: {} });
      const whole = await readSource(config, SILENT_PROGRESS);
      const streamed = await readSourceRows(config, SILENT_PROGRESS);
      expect(streamed.rows).toBeDefined();
      expect(streamed.snapshot.states).toEqual([]);
      expect(streamed.snapshot.history).toEqual([]);
      expect(streamed.snapshot.items).toEqual(whole.items);
      const expected = rowsOf(whole.states, whole.history);
      expect(listed(streamed.rows!.states, whole)).toEqual(listed(expected.states, whole));
      expect(listed(streamed.rows!.history, whole)).toEqual(listed(expected.history, whole));
      expect(listed(expected.states, whole)).toHaveLength(whole.states.length);
      // States the reader dated from the history after handing them on.
      undated += whole.states.filter((s) =>
        whole.history.some(
          (h) =>
            h.userId === s.userId && h.identity === s.identity && +h.lastViewedAt === +(s.lastPlayedAt ?? 0),
        ),
      ).length;
    }
    expect(undated).toBeGreaterThan(0);
  });

  it("reads other sources whole, leaving the planner the snapshot's arrays", async () => {
    const plexDb = busyHistoryDb(tempDir());
    const config = loadConfig({
      flags: { plexDb, tautulliUrl: "http://127.0.0.1:9", tautulliApiKey: "k" },
      env: {},
    });
    // Tautulli changes the snapshot after the database read, so the database is read whole
    // and Tautulli asked (unreachable here); a streamed read would never ask it.
    await expect(readSourceRows(config, SILENT_PROGRESS)).rejects.toThrow(/Tautulli/i);
  });
});
