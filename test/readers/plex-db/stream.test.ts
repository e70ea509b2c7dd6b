import { describe, expect, it } from "vitest";
import type { HistorySummary, Item, Snapshot, WatchState } from "../../../src/model/index.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import { readerDatabases, tempDirs } from "./helpers.js";

const tempDir = tempDirs();

const withoutReadAt = <T extends { source: Snapshot["source"] }>(snapshot: T) => ({
  ...snapshot,
  source: { ...snapshot.source, readAt: null },
});

describe("a streamed read", () => {
  it("hands over the states and summaries read() lists, in its order, after the items", async () => {
    const paths = readerDatabases(tempDir);
    for (const path of paths) {
      for (const historyInWorker of [true, false]) {
        const options = { timeZone: "Europe/Berlin", historyInWorker };
        const full = await openPlexDatabase(path, options).read();
        const states: WatchState[] = [];
        const history: HistorySummary[] = [];
        let itemsSeen: readonly Item[] = [];
        const head = await openPlexDatabase(path, options).stream((items) => {
          itemsSeen = items;
          return { state: (s) => states.push(s), history: (h) => history.push(h) };
        });
        expect(itemsSeen).toBe(head.items);
        expect(states).toEqual(full.states);
        expect(history).toEqual(full.history);
        const { states: _s, history: _h, ...rest } = full;
        expect(withoutReadAt(head)).toEqual(withoutReadAt(rest));
      }
    }
    expect(paths.length).toBe(3);
  });
});
