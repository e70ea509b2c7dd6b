import type Database from "better-sqlite3";
import type { WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import {
  accountRanks,
  BLOCK_ROWS,
  BUCKET_BITS,
  BUCKET_GUIDS,
  BucketRows,
  type BucketRowsData,
  listStateChunks,
  numberShared,
  type SharedTable,
  STATE_ROW,
  STATE_ROW_FIELDS,
  shareTable,
} from "./history-sums.js";
import type { SchemaInfo } from "./schema.js";
import { flush, type GuidInfo, newGroup, type StateResult, stateColumns } from "./state.js";
import type { Notes } from "./values.js";

/**
 * readStates() without SQLite's sort: Plex's index on guid numbers the guids in SQLite's order
 * (history-sums.ts), then the rows are read in rowid order, in chunks that both threads may
 * claim (listStateChunks()), and listed per bucket of guid numbers (BucketRows); each bucket's
 * rows are combined per (guid, account) and handed on in (guid, account) order: the states,
 * their order and every count are those of readStates() (measured at 440,000 rows, load 10:
 * the sorted query ~1.2 s of CPU, the two scans ~0.6 s).
 *
 * Combining a pair's rows does not depend on their order (each rule takes a maximum, ties
 * broken by the unique rowid). Rows that make readStates() warn or decode local-time text
 * would make the warnings' order depend on the row order: at such a row the listing gives up,
 * as without the guid index, and the caller runs readStates(), the same result the slower way.
 * Rows without a valid account or guid are only counted, as readStates() does.
 */
export function sumStates(
  db: Database.Database,
  schema: SchemaInfo,
  guids: ReadonlyMap<string, GuidInfo>,
  notes: Notes,
  task: ProgressTask,
  sink?: (state: WatchState) => void,
  /** The rows as the threads listed them (history-worker.ts); else listed here. */
  listed?: ListedStates,
): { result: StateResult } | { gaveUpAfter: number } {
  if (listed === undefined) {
    const counting = countingTicks(task);
    const shared = shareTable(db, SETTINGS);
    const here = shared && listStatesHere(db, shared, stateChunkSql(schema), counting);
    if (!here) return { gaveUpAfter: counting.shown };
    listed = here;
  }
  const result: StateResult = {
    states: [],
    orphanedStateCount: 0,
    accountIds: new Set(),
    undated: new Map(),
  };
  const skipped = listed.parts.reduce((total, part) => total + part.skippedRows, 0);
  if (skipped > 0) {
    notes.add(
      "state-row-skipped",
      (n) => `${n} state row(s) without a valid account or guid were skipped`,
      skipped,
    );
  }
  emitStates(listed, guids, result, sink ?? ((state) => result.states.push(state)));
  return { result };
}

/** The states' rows listed per bucket (BucketRows), by one thread or both. */
export interface ListedStates {
  /** The guid of each number. */
  guids: unknown[];
  /** Each thread's rows. */
  parts: BucketRowsData[];
}

export const SETTINGS = "metadata_item_settings";

/** What listStateChunks() runs for each chunk. */
export function stateChunkSql(schema: SchemaInfo): string {
  return `${stateColumns(schema, false)} WHERE rowid >= ? AND rowid < ?`;
}

/**
 * Numbers the guids of the states' table and lists the chunks not claimed yet on this thread;
 * undefined when a row needs readStates().
 */
export function listStatesHere(
  db: Database.Database,
  shared: SharedTable,
  sql: string,
  task: ProgressTask,
  numbered?: unknown[],
): (ListedStates & { ran: number }) | undefined {
  const guids = numbered ?? numberShared(db, shared);
  const rows = new BucketRows(guids.length, STATE_ROW_FIELDS);
  let shown = 0;
  const ran = listStateChunks(db, rows, shared, sql, () => {
    task.tick(rows.seen - shown);
    shown = rows.seen;
  });
  if (ran === undefined) return undefined;
  return { guids, parts: [rows.data()], ran };
}

/** The fields of a pair combined from its rows, as readStates() combines them (state.ts). */
const ROWS = 0;
const PLAY_COUNT = 1;
const LAST_VIEWED_MS = 2;
/** The position of the row with the largest (last_viewed_at, rowid); its date is LAST_VIEWED_MS. */
const POSITION_MS = 3;
const POSITION_ROW_ID = 4;
/** NaN while no row has a rating; then the rating of the largest (last_rated_at, updated_at, rowid). */
const RATING = 5;
const RATING_RATED_MS = 6;
const RATING_UPDATED_MS = 7;
const RATING_ROW_ID = 8;
const PAIR_FIELDS = 9;

/**
 * Every pair of the listed rows through state.ts's flush(), by guid in SQLite's order, then by
 * account: bucket by bucket, its rows combined in arrays of the bucket's guids × accounts.
 */
function emitStates(
  { guids: texts, parts }: ListedStates,
  guids: ReadonlyMap<string, GuidInfo>,
  result: StateResult,
  emit: (state: WatchState) => void,
): void {
  const { accounts, ranks } = accountRanks(parts);
  const userIds = accounts.map(String);
  const width = accounts.length;
  // Per (place in the bucket, account rank): the pair's index in `pairs`, or -1.
  const pairOf = new Int32Array(Math.min(BUCKET_GUIDS, texts.length) * width).fill(-1);
  const buckets = Math.ceil(texts.length / BUCKET_GUIDS);
  let most = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    let rows = 0;
    for (const part of parts) rows += part.keys[bucket]!.length * BLOCK_ROWS;
    most = Math.max(most, rows);
  }
  const pairs = new Float64Array(PAIR_FIELDS * most);
  const group = newGroup();
  for (let bucket = 0; bucket < buckets; bucket++) {
    let count = 0;
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k]!;
      const rank = ranks[k]!;
      const keys = part.keys[bucket]!;
      const values = part.values[bucket]!;
      for (let b = 0; b < keys.length; b++) {
        const blockKeys = keys[b]!;
        const v = values[b]!;
        const end = b === keys.length - 1 ? part.fill[bucket]! : BLOCK_ROWS;
        for (let i = 0; i < end; i++) {
          const key = blockKeys[i]!;
          const cell = (key & (BUCKET_GUIDS - 1)) * width + rank[key >>> BUCKET_BITS]!;
          const r = i * STATE_ROW_FIELDS;
          const p = pairOf[cell]!;
          if (p === -1) {
            pairOf[cell] = count;
            const at = PAIR_FIELDS * count++;
            pairs[at + ROWS] = 1;
            pairs[at + PLAY_COUNT] = v[r + STATE_ROW.playCount]!;
            pairs[at + LAST_VIEWED_MS] = v[r + STATE_ROW.viewedMs]!;
            pairs[at + POSITION_MS] = v[r + STATE_ROW.positionMs]!;
            pairs[at + POSITION_ROW_ID] = v[r + STATE_ROW.id]!;
            pairs[at + RATING] = v[r + STATE_ROW.rating]!;
            pairs[at + RATING_RATED_MS] = v[r + STATE_ROW.ratedMs]!;
            pairs[at + RATING_UPDATED_MS] = v[r + STATE_ROW.updatedMs]!;
            pairs[at + RATING_ROW_ID] = v[r + STATE_ROW.id]!;
          } else combine(pairs, PAIR_FIELDS * p, v, r);
        }
      }
    }
    if (count === 0) continue;
    const first = bucket * BUCKET_GUIDS;
    const places = Math.min(BUCKET_GUIDS, texts.length - first);
    for (let place = 0; place < places; place++) {
      const guid = texts[first + place];
      // Skipped guids have no pairs.
      if (typeof guid !== "string") continue;
      let info: GuidInfo | undefined | null = null;
      for (let k = 0; k < width; k++) {
        const cell = place * width + k;
        const p = pairOf[cell]!;
        if (p === -1) continue;
        pairOf[cell] = -1;
        if (info === null) {
          info = guids.get(guid);
          group.guid = guid;
          group.info = info;
        }
        const at = PAIR_FIELDS * p;
        group.account = accounts[k]!;
        group.userId = userIds[k]!;
        group.rows = pairs[at + ROWS]!;
        group.playCount = pairs[at + PLAY_COUNT]!;
        group.lastViewedMs = pairs[at + LAST_VIEWED_MS]!;
        group.positionMs = pairs[at + POSITION_MS]!;
        group.positionViewedMs = pairs[at + LAST_VIEWED_MS]!;
        group.positionRowId = pairs[at + POSITION_ROW_ID]!;
        group.rating = pairs[at + RATING]!;
        group.ratingRatedMs = pairs[at + RATING_RATED_MS]!;
        group.ratingUpdatedMs = pairs[at + RATING_UPDATED_MS]!;
        group.ratingRowId = pairs[at + RATING_ROW_ID]!;
        flush(group, result, emit);
      }
    }
  }
}

/** Adds listed row `v[r…]` to the pair at `pairs[at…]`, as readStates() adds a row to its group. */
function combine(pairs: Float64Array, at: number, v: Float64Array, r: number): void {
  pairs[at + ROWS]!++;
  const playCount = v[r + STATE_ROW.playCount]!;
  if (playCount > pairs[at + PLAY_COUNT]!) pairs[at + PLAY_COUNT] = playCount;
  const viewedMs = v[r + STATE_ROW.viewedMs]!;
  const rowId = v[r + STATE_ROW.id]!;
  const lastViewed = pairs[at + LAST_VIEWED_MS]!;
  if (viewedMs > lastViewed || (viewedMs === lastViewed && rowId > pairs[at + POSITION_ROW_ID]!)) {
    pairs[at + LAST_VIEWED_MS] = viewedMs;
    pairs[at + POSITION_MS] = v[r + STATE_ROW.positionMs]!;
    pairs[at + POSITION_ROW_ID] = rowId;
  }
  const rating = v[r + STATE_ROW.rating]!;
  if (Number.isNaN(rating)) return;
  const rated = v[r + STATE_ROW.ratedMs]!;
  const updated = v[r + STATE_ROW.updatedMs]!;
  if (Number.isNaN(pairs[at + RATING]!) || ratedLater(pairs, at, rated, updated, rowId)) {
    pairs[at + RATING] = rating;
    pairs[at + RATING_RATED_MS] = rated;
    pairs[at + RATING_UPDATED_MS] = updated;
    pairs[at + RATING_ROW_ID] = rowId;
  }
}

function ratedLater(pairs: Float64Array, at: number, rated: number, updated: number, rowId: number): boolean {
  if (rated !== pairs[at + RATING_RATED_MS]) return rated > pairs[at + RATING_RATED_MS]!;
  if (updated !== pairs[at + RATING_UPDATED_MS]) return updated > pairs[at + RATING_UPDATED_MS]!;
  return rowId > pairs[at + RATING_ROW_ID]!;
}

/** `task`, counting what it has been ticked (`shown`): what a read that starts over showed. */
export function countingTicks(task: ProgressTask): ProgressTask & { shown: number } {
  const counting = {
    shown: 0,
    tick(count = 1) {
      counting.shown += count;
      task.tick(count);
    },
    setTotal: (total: number) => task.setTotal(total),
    finish: () => task.finish(),
  };
  return counting;
}

/** `task` for a read that starts over: the first `shown` rows it ticks were shown already. */
export function startingOver(task: ProgressTask, shown: number): ProgressTask {
  let skip = shown;
  return {
    tick(count = 1) {
      const absorbed = Math.min(skip, count);
      skip -= absorbed;
      if (count > absorbed) task.tick(count - absorbed);
    },
    setTotal: (total) => task.setTotal(total),
    finish: () => task.finish(),
  };
}
