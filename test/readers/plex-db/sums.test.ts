import { copyFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../../fixtures/plex/write.js";
import type { Snapshot } from "../../../src/model/index.js";
import { SILENT_PROGRESS } from "../../../src/progress.js";
import { HistoryCollector, readHistory } from "../../../src/readers/plex-db/history.js";
import {
  BucketRows,
  CHUNK_ROWIDS,
  numberShared,
  rowBuffers,
  type SharedTable,
  shareHistory,
  shareTable,
  sumChunks,
  sumHistory,
} from "../../../src/readers/plex-db/history-sums.js";
import { feedSums, startHistoryReading } from "../../../src/readers/plex-db/history-worker.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import { detectSchema } from "../../../src/readers/plex-db/schema.js";
import { type GuidInfo, readStates } from "../../../src/readers/plex-db/state.js";
import {
  listStatesHere,
  SETTINGS,
  stateChunkSql,
  sumStates,
} from "../../../src/readers/plex-db/state-sums.js";
import { Notes, TimeDecoder } from "../../../src/readers/plex-db/values.js";
import { FRIEND, MANAGED, OWNER } from "../../../src/sample/index.js";
import { busyHistoryDb, tempDirs } from "./helpers.js";

const tempDir = tempDirs();
/** A test that writes a database of 140,000 rows or more: minutes on a loaded machine, seconds alone. */
const BIG_DATABASE_TIMEOUT = 180_000;

/**
 * The sample database plus rows summed in rowid order (history-sums.ts, state-sums.ts): many
 * per (guid, account), in an order far from (guid, account) order, with duplicate state rows
 * whose rules tie, rows the readers skip, and guids whose UTF-8 order differs from JavaScript's
 * (U+E000 sorts after 😀 in UTF-16, before it in UTF-8). `odd` adds one text date as the very
 * last history row, which the summing cannot take, so it must hand everything to SQL, and a
 * state row with a text rating, which the states' listing does not take either.
 * `moreGuids` adds that many guids no item has, so the guid numbers span several of the
 * buckets the summing lists rows in (1,024 numbers each).
 */
function interleavedDb(
  dir: string,
  { odd = false, historyRows = 140_000, stateRows = 3000, moreGuids = 0 } = {},
): string {
  const path = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(path, { timeZone: "UTC" });
  const db = new Database(path);
  try {
    const guids = (
      db.prepare("SELECT guid FROM metadata_items NOT INDEXED").pluck().all() as unknown[]
    ).filter((g): g is string => typeof g === "string" && g !== "");
    guids.push(
      "plex://movie/\uE000-private",
      "plex://movie/😀-emoji",
      "plex://movie/ünïcødé",
      "plex://x/not-in-library",
    );
    for (let i = 0; i < moreGuids; i++) guids.push(`plex://x/orphan-${i}`);
    const accounts = [OWNER, MANAGED, FRIEND, 99, 12_345_678_901];
    const skippedAccounts: unknown[] = [null, 0, -3, -0.5, 0.5, "-7", "x", Buffer.from([1])];
    const skippedGuids: unknown[] = [null, "", Buffer.from([0, 255])];
    const dates = [1_600_000_000, 1_700_000_123, -86_400, 1_650_000_000.75, 0];
    let seed = 4242;
    const pick = <T>(list: readonly T[]): T => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return list[Math.floor(seed / 65_536) % list.length]!;
    };
    const view = db.prepare("INSERT INTO metadata_item_views (account_id, guid, viewed_at) VALUES (?, ?, ?)");
    const setting = db.prepare(
      `INSERT INTO metadata_item_settings (account_id, guid, view_count, view_offset, last_viewed_at, rating, last_rated_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < historyRows; i++) {
        if (i % 501 === 0) view.run(pick(skippedAccounts), pick(guids), pick(dates));
        else if (i % 499 === 0) view.run(pick(accounts), pick(skippedGuids), pick(dates));
        else view.run(pick(accounts), pick(guids), pick(dates));
      }
      if (odd) view.run(OWNER, guids[0], "2019-03-04 05:06:07");
      // A rating as text, which readStates() reads as none: the states' listing gives up too.
      if (odd) setting.run(MANAGED, guids[1], 3, null, 1_600_000_000, "n/a", null, null);
      for (let i = 0; i < stateRows; i++) {
        const rated = i % 3 === 0;
        setting.run(
          i % 401 === 0 ? pick(skippedAccounts) : pick(accounts),
          i % 397 === 0 ? pick(skippedGuids) : pick(guids),
          pick([0, 1, 3, null]),
          pick([0, 60_000, 90_000, null]),
          pick([null, ...dates]),
          rated ? pick([0, 2.5, 10, 7]) : null,
          rated ? pick([null, 1_600_000_000, 1_700_000_000]) : null,
          pick([null, 1_600_000_000, 1_700_000_000]),
        );
      }
    })();
  } finally {
    db.close();
  }
  return path;
}

function collector(): { collector: HistoryCollector; notes: Notes } {
  const notes = new Notes();
  const made = new HistoryCollector(
    new TimeDecoder("UTC", notes),
    notes,
    SILENT_PROGRESS.task("history"),
    new Map(),
  );
  return { collector: made, notes };
}

/**
 * Reading the history on the main thread alone and with the worker both give what the SQL
 * grouping gave (`expected`), with the same warnings.
 */
async function expectBothThreadsRead(
  db: Database.Database,
  path: string,
  expected: unknown,
  sqlNotes: Notes,
): Promise<void> {
  for (const inWorker of [false, true]) {
    const reading = startHistoryReading(db, path, inWorker, stateChunkSql(detectSchema(db, path)));
    const summed = collector();
    try {
      expect(await reading.collect(summed.collector)).toEqual(expected);
    } finally {
      await reading.stop();
    }
    expect(summed.notes.warnings()).toEqual(sqlNotes.warnings());
  }
}

/** The same database without Plex's guid indexes: the readers then group with SQL. */
function withoutGuidIndexes(path: string, dir: string): string {
  const copy = join(dir, "no-index.db");
  copyFileSync(path, copy);
  const db = new Database(copy);
  db.exec("DROP INDEX index_metadata_item_views_on_guid; DROP INDEX index_metadata_item_settings_on_guid");
  db.close();
  return copy;
}

const withoutReadAt = (snapshot: Snapshot) => ({ ...snapshot, source: { ...snapshot.source, readAt: null } });

describe("history summed in rowid order", () => {
  it.each([
    ["a few guids", {}],
    ["guids in several buckets", { moreGuids: 3000 }],
  ])(
    "gives HISTORY_SQL's groups, in its order, on one thread or two (%s)",
    async (_, sizes) => {
      const path = interleavedDb(tempDir(), sizes);
      const db = new Database(path, { readonly: true });
      try {
        const shared = shareHistory(db);
        expect(shared?.chunks).toBeGreaterThan(2);
        // The summing takes this table (no odd row), so what follows compares two ways.
        expect(sumHistory(db, shared!)).toBeDefined();

        const bySql = collector();
        const expected = readHistory(db, bySql.collector);
        expect(expected.summaries.length).toBeGreaterThan(100);
        expect(bySql.notes.warnings().map((w) => w.code)).toEqual(["history-row-skipped"]);
        const order = expected.summaries.map((s) => s.identity);
        expect(order.indexOf("plex://movie/\uE000-private")).toBeLessThan(
          order.indexOf("plex://movie/😀-emoji"),
        );

        await expectBothThreadsRead(db, path, expected, bySql.notes);
      } finally {
        db.close();
      }
    },
    BIG_DATABASE_TIMEOUT,
  );

  it(
    "hands the whole table to SQL when one row is odd, even the last one",
    async () => {
      const path = interleavedDb(tempDir(), { odd: true });
      const db = new Database(path, { readonly: true });
      try {
        expect(sumHistory(db, shareHistory(db)!)).toBeUndefined();
        const task = SILENT_PROGRESS.task("states");
        expect(sumStates(db, detectSchema(db, path), new Map(), new Notes(), task)).toHaveProperty(
          "gaveUpAfter",
        );
        const bySql = collector();
        const expected = readHistory(db, bySql.collector);
        await expectBothThreadsRead(db, path, expected, bySql.notes);
      } finally {
        db.close();
      }
    },
    BIG_DATABASE_TIMEOUT,
  );
});

describe("states combined in rowid order", () => {
  it.each([
    ["a few guids", {}],
    ["guids in several buckets", { moreGuids: 3000, stateRows: 30_000 }],
  ])("give readStates()'s states, order, counts and warnings (%s)", (_, sizes) => {
    const path = interleavedDb(tempDir(), { historyRows: 10, ...sizes });
    const db = new Database(path, { readonly: true });
    try {
      const schema = detectSchema(db, path);
      const items = db
        .prepare("SELECT guid, metadata_type FROM metadata_items NOT INDEXED")
        .raw()
        .all() as Array<[unknown, number]>;
      const guids = new Map<string, GuidInfo>();
      for (const [guid, type] of items) {
        if (typeof guid === "string") guids.set(guid, { identity: guid, leaf: type === 1 || type === 4 });
      }
      // Most of the added guids as if items had them: their states are handed on, not only counted.
      for (let i = 0; i < 3000; i += 4)
        guids.set(`plex://x/orphan-${i}`, { identity: `i${i}`, leaf: i % 8 === 0 });
      const sortedNotes = new Notes();
      const sorted = readStates(
        db,
        schema,
        guids,
        new TimeDecoder("UTC", sortedNotes),
        sortedNotes,
        SILENT_PROGRESS.task("states"),
      );
      const summedNotes = new Notes();
      const summed = sumStates(db, schema, guids, summedNotes, SILENT_PROGRESS.task("states"));
      if (!("result" in summed)) throw new Error("the summing gave up");
      expect(sorted.states.length).toBeGreaterThan(100);
      expect(sorted.orphanedStateCount).toBeGreaterThan(0);
      expect(summed.result).toEqual(sorted);
      expect(summedNotes.warnings()).toEqual(sortedNotes.warnings());
      expect(sortedNotes.warnings().map((w) => w.code)).toEqual(["state-row-skipped"]);
    } finally {
      db.close();
    }
  });
});

describe("a read with Plex's guid indexes (summed) and without them (grouped by SQL)", () => {
  it(
    "gives the same snapshot, with odd rows and without, on one thread or two",
    async () => {
      for (const make of [
        (dir: string) => interleavedDb(dir, { historyRows: 20_000 }),
        (dir: string) => interleavedDb(dir, { historyRows: 20_000, odd: true }),
        busyHistoryDb,
      ]) {
        const dir = tempDir();
        const path = make(dir);
        const plain = withoutGuidIndexes(path, dir);
        const expected = await openPlexDatabase(plain, { timeZone: "UTC", historyInWorker: false }).read();
        expect(expected.history.length).toBeGreaterThan(50);
        for (const historyInWorker of [false, true]) {
          const read = await openPlexDatabase(path, { timeZone: "UTC", historyInWorker }).read();
          expect(withoutReadAt(read)).toEqual(withoutReadAt(expected));
        }
      }
    },
    BIG_DATABASE_TIMEOUT,
  );
});

describe("rows listed by two threads", () => {
  it(
    "combine into the same states and history as rows listed by one",
    () => {
      const path = interleavedDb(tempDir(), { stateRows: 140_000, moreGuids: 1500 });
      const db = new Database(path, { readonly: true });
      try {
        const schema = detectSchema(db, path);
        const guids = new Map<string, GuidInfo>();
        for (let i = 0; i < 1500; i += 3)
          guids.set(`plex://x/orphan-${i}`, { identity: `i${i}`, leaf: i % 2 === 0 });
        const oneNotes = new Notes();
        const one = sumStates(db, schema, guids, oneNotes, SILENT_PROGRESS.task("states"));
        if (!("result" in one)) throw new Error("the listing gave up");
        expect(one.result.states.length).toBeGreaterThan(100);

        // Each "thread" claims its own chunks: the first two, and the rest.
        const states = shareTable(db, SETTINGS)!;
        expect(states.chunks).toBeGreaterThan(2);
        const [first, rest] = splitChunks(states, 2);
        const task = SILENT_PROGRESS.task("states");
        const a = listStatesHere(db, first, stateChunkSql(schema), task)!;
        const b = listStatesHere(db, rest, stateChunkSql(schema), task, a.guids)!;
        const twoNotes = new Notes();
        const listed = { guids: a.guids, parts: [...b.parts, ...a.parts] };
        const two = sumStates(db, schema, guids, twoNotes, task, undefined, listed);
        expect(two).toEqual(one);
        expect(twoNotes.warnings()).toEqual(oneNotes.warnings());

        const history = shareHistory(db)!;
        const whole = sumHistory(db, history)!;
        const [early, late] = splitChunks(shareHistory(db)!, 1);
        const historyGuids = numberShared(db, early);
        const parts = [early, late].map((part) => {
          const rows = new BucketRows(historyGuids.length, 1);
          expect(sumChunks(db, rows, part)).toBe(true);
          return rows.data();
        });
        const bySql = collector();
        const byOne = collector();
        const byTwo = collector();
        feedSums(whole, byOne.collector);
        feedSums({ guids: historyGuids, parts }, byTwo.collector);
        expect(byTwo.collector.result).toEqual(readHistory(db, bySql.collector));
        expect(byOne.collector.result).toEqual(bySql.collector.result);
      } finally {
        db.close();
      }
    },
    BIG_DATABASE_TIMEOUT,
  );
});

/** `shared` as two tables of its own chunks: the first `count` chunks, and the others. */
function splitChunks(shared: SharedTable, count: number): [SharedTable, SharedTable] {
  const fresh = () => new Int32Array(new SharedArrayBuffer(16));
  return [
    { ...shared, chunks: count, control: fresh() },
    {
      ...shared,
      low: shared.low + count * CHUNK_ROWIDS,
      rowGuids: shared.rowGuids.subarray(count * CHUNK_ROWIDS),
      chunks: shared.chunks - count,
      control: fresh(),
    },
  ];
}

describe("rows listed in blocks carved from slabs", () => {
  it("keep each block's values apart and cross threads with each slab transferred once", async () => {
    const { MessageChannel } = await import("node:worker_threads");
    const rows = new BucketRows(3 * 1024, 2);
    // Several blocks per bucket, buckets interleaved: neighbouring blocks of one slab.
    const count = 30_000;
    for (let i = 0; i < count; i++) {
      const at = rows.add((i * 37) % (3 * 1024), 1 + (i % 5));
      rows.block[at] = i;
      rows.block[at + 1] = -i;
    }
    const data = rows.data();
    const buffers = rowBuffers(data);
    expect(new Set(buffers).size).toBe(buffers.length);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<typeof data>((resolve) => port2.once("message", resolve));
    port1.postMessage(data, buffers);
    const copy = await received;
    port1.close();
    const seen: number[] = [];
    copy.values.forEach((blocks, bucket) =>
      blocks.forEach((block, b) => {
        const filled = b === blocks.length - 1 ? copy.fill[bucket]! : block.length / 2;
        for (let r = 0; r < filled; r++) {
          expect(block[2 * r + 1]).toBe(-block[2 * r]!);
          seen.push(block[2 * r]!);
        }
      }),
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  });
});
