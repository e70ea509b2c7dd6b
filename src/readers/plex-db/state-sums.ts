import type Database from "better-sqlite3";
import type { WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import {
  accountKind,
  accountRanks,
  BLOCK_ROWS,
  BUCKET_BITS,
  BUCKET_GUIDS,
  BucketRows,
  type GuidNumbers,
  NO_ROW,
  numberTable,
  OddRow,
  SKIPPED_GUID,
} from "./history-sums.js";
import { eachRow } from "./rows.js";
import type { SchemaInfo } from "./schema.js";
import { flush, type GuidInfo, NONE, newGroup, type StateResult, stateColumns } from "./state.js";
import { int, type Notes, num } from "./values.js";

/**
 * readStates() without SQLite's sort: Plex's index on guid numbers the guids in SQLite's order
 * (history-sums.ts), then the rows are read in rowid order and listed per bucket of guid numbers
 * (BucketRows), and each bucket's rows are combined per (guid, account) and handed on in
 * (guid, account) order: the states, their order and every count are those of readStates()
 * (measured at 440,000 rows, load 10: the sorted query ~1.2 s of CPU, the two scans ~0.6 s).
 *
 * Combining a pair's rows does not depend on their order (each rule takes a maximum, ties
 * broken by the unique rowid). Rows that make readStates() warn or decode local-time text
 * would make the warnings' order depend on the row order: at such a row this gives up, as
 * without the guid index, and the caller runs readStates(), the same result the slower way.
 * Rows without a valid account or guid are only counted, as readStates() does.
 */
export function sumStates(
  db: Database.Database,
  schema: SchemaInfo,
  guids: ReadonlyMap<string, GuidInfo>,
  notes: Notes,
  task: ProgressTask,
  sink?: (state: WatchState) => void,
  /** The rows' guid numbers if another thread has made them (history-worker.ts); else made here. */
  numbered?: GuidNumbers,
): { result: StateResult } | { gaveUpAfter: number } {
  let seen = 0;
  let numbers: GuidNumbers;
  let rows: BucketRows;
  try {
    numbers = numbered ?? numberTable(db, SETTINGS);
    const { low, rowGuids } = numbers;
    rows = new BucketRows(numbers.guids.length, ROW_FIELDS);
    eachRow(
      db,
      stateColumns(schema, false),
      (account, rowid, viewCount, viewOffset, lastViewedAt, rating, lastRatedAt, updatedAt) => {
        if (++seen % 50_000 === 0) task.tick(50_000);
        const number = rowGuids[(rowid as number) - low];
        if (number === undefined || number === NO_ROW) throw new OddRow("a row the guid index did not list");
        if (number === SKIPPED_GUID) {
          rows.skippedRows++;
          return;
        }
        if (typeof account !== "number" || !(account > 0) || !Number.isSafeInteger(account)) {
          if (accountKind(account) !== "skipped") throw new OddRow("an account that is not a whole number");
          rows.skippedRows++;
          return;
        }
        const value = num(rating) ?? Number.NaN;
        // Out of range: readStates() warns.
        if (value < 0 || value > 10) throw new OddRow("a rating out of range");
        const rated = !Number.isNaN(value);
        const at = rows.add(number, account);
        const values = rows.block;
        values[at + ROW_ID] = rowid as number;
        values[at + ROW_PLAY_COUNT] = Math.max(0, int(viewCount) ?? 0);
        values[at + ROW_POSITION_MS] = Math.max(0, num(viewOffset) ?? 0);
        values[at + ROW_VIEWED_MS] = plainMs(lastViewedAt);
        values[at + ROW_RATING] = value;
        values[at + ROW_RATED_MS] = rated ? plainMs(lastRatedAt) : NONE;
        values[at + ROW_UPDATED_MS] = rated ? plainMs(updatedAt) : NONE;
      },
    );
  } catch (error) {
    if (error instanceof OddRow) return { gaveUpAfter: seen - (seen % 50_000) };
    throw error;
  }
  task.tick(seen % 50_000);
  const result: StateResult = {
    states: [],
    orphanedStateCount: 0,
    accountIds: new Set(),
    undated: new Map(),
  };
  if (rows.skippedRows > 0) {
    notes.add(
      "state-row-skipped",
      (n) => `${n} state row(s) without a valid account or guid were skipped`,
      rows.skippedRows,
    );
  }
  emitStates(numbers.guids, rows, guids, result, sink ?? ((state) => result.states.push(state)));
  return { result };
}

const SETTINGS = "metadata_item_settings";

/**
 * A Plex timestamp as TimeDecoder.ms() reads it when that has no side effect: empty is NONE, a
 * finite number is epoch seconds. Anything else (local-time text, which TimeDecoder counts, or
 * an unreadable value, which it warns about) throws OddRow.
 */
function plainMs(value: unknown): number {
  if (value === null || value === undefined || value === "") return NONE;
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value * 1000);
  throw new OddRow("a date that is not a number");
}

/** The values of a listed row (BucketRows). */
const ROW_ID = 0;
const ROW_PLAY_COUNT = 1;
const ROW_POSITION_MS = 2;
const ROW_VIEWED_MS = 3;
/** NaN when the row has no rating; then its dates are NONE. */
const ROW_RATING = 4;
const ROW_RATED_MS = 5;
const ROW_UPDATED_MS = 6;
const ROW_FIELDS = 7;

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
  texts: readonly unknown[],
  rows: BucketRows,
  guids: ReadonlyMap<string, GuidInfo>,
  result: StateResult,
  emit: (state: WatchState) => void,
): void {
  const { accounts, ranks } = accountRanks([rows]);
  const rank = ranks[0]!;
  const userIds = accounts.map(String);
  const width = accounts.length;
  // Per (place in the bucket, account rank): the pair's index in `pairs`, or -1.
  const pairOf = new Int32Array(Math.min(BUCKET_GUIDS, texts.length) * width).fill(-1);
  let most = 0;
  for (const blocks of rows.keys) most = Math.max(most, blocks.length * BLOCK_ROWS);
  const pairs = new Float64Array(PAIR_FIELDS * most);
  const group = newGroup();
  for (let bucket = 0; bucket < rows.keys.length; bucket++) {
    const keys = rows.keys[bucket]!;
    if (keys.length === 0) continue;
    const values = rows.values[bucket]!;
    let count = 0;
    for (let b = 0; b < keys.length; b++) {
      const blockKeys = keys[b]!;
      const v = values[b]!;
      const end = b === keys.length - 1 ? rows.fill[bucket]! : BLOCK_ROWS;
      for (let i = 0; i < end; i++) {
        const key = blockKeys[i]!;
        const cell = (key & (BUCKET_GUIDS - 1)) * width + rank[key >>> BUCKET_BITS]!;
        const r = i * ROW_FIELDS;
        const p = pairOf[cell]!;
        if (p === -1) {
          pairOf[cell] = count;
          const at = PAIR_FIELDS * count++;
          pairs[at + ROWS] = 1;
          pairs[at + PLAY_COUNT] = v[r + ROW_PLAY_COUNT]!;
          pairs[at + LAST_VIEWED_MS] = v[r + ROW_VIEWED_MS]!;
          pairs[at + POSITION_MS] = v[r + ROW_POSITION_MS]!;
          pairs[at + POSITION_ROW_ID] = v[r + ROW_ID]!;
          pairs[at + RATING] = v[r + ROW_RATING]!;
          pairs[at + RATING_RATED_MS] = v[r + ROW_RATED_MS]!;
          pairs[at + RATING_UPDATED_MS] = v[r + ROW_UPDATED_MS]!;
          pairs[at + RATING_ROW_ID] = v[r + ROW_ID]!;
        } else combine(pairs, PAIR_FIELDS * p, v, r);
      }
    }
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
  const playCount = v[r + ROW_PLAY_COUNT]!;
  if (playCount > pairs[at + PLAY_COUNT]!) pairs[at + PLAY_COUNT] = playCount;
  const viewedMs = v[r + ROW_VIEWED_MS]!;
  const rowId = v[r + ROW_ID]!;
  const lastViewed = pairs[at + LAST_VIEWED_MS]!;
  if (viewedMs > lastViewed || (viewedMs === lastViewed && rowId > pairs[at + POSITION_ROW_ID]!)) {
    pairs[at + LAST_VIEWED_MS] = viewedMs;
    pairs[at + POSITION_MS] = v[r + ROW_POSITION_MS]!;
    pairs[at + POSITION_ROW_ID] = rowId;
  }
  const rating = v[r + ROW_RATING]!;
  if (Number.isNaN(rating)) return;
  const rated = v[r + ROW_RATED_MS]!;
  const updated = v[r + ROW_UPDATED_MS]!;
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
