import type Database from "better-sqlite3";
import type { WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import {
  accountKind,
  type GuidNumbers,
  numberTable,
  OddRow,
  PairIndex,
  SKIPPED_GUID,
} from "./history-sums.js";
import { eachRow } from "./rows.js";
import type { SchemaInfo } from "./schema.js";
import { flush, type GuidInfo, NONE, newGroup, type StateResult, stateColumns } from "./state.js";
import { int, type Notes, num } from "./values.js";

/**
 * readStates() without SQLite's sort: Plex's index on guid numbers the guids in SQLite's order
 * (history-sums.ts), then the rows are read in rowid order and combined per (guid, account) in
 * arrays indexed by those numbers, and handed on in (guid, account) order: the states, their
 * order and every count are those of readStates() (measured at 440,000 rows, load 10: the
 * sorted query ~1.2 s of CPU, the two scans ~0.6 s).
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
  let table: StateTable;
  try {
    const numbers = numbered ?? numberTable(db, SETTINGS);
    const rows = db.prepare(`SELECT count(*) FROM ${SETTINGS}`).pluck().get() as number;
    table = new StateTable(numbers, rows);
    eachRow(
      db,
      stateColumns(schema, false),
      (account, rowid, viewCount, viewOffset, lastViewedAt, rating, lastRatedAt, updatedAt) => {
        if (++seen % 50_000 === 0) task.tick(50_000);
        const number = table.guidOf(rowid as number);
        if (number === SKIPPED_GUID) {
          table.skipped++;
          return;
        }
        if (typeof account !== "number" || !(account > 0) || !Number.isSafeInteger(account)) {
          if (accountKind(account) !== "skipped") throw new OddRow("an account that is not a whole number");
          table.skipped++;
          return;
        }
        const value = num(rating) ?? Number.NaN;
        // Out of range: readStates() warns.
        if (value < 0 || value > 10) throw new OddRow("a rating out of range");
        const rated = !Number.isNaN(value);
        table.add(
          number,
          account,
          rowid as number,
          Math.max(0, int(viewCount) ?? 0),
          Math.max(0, num(viewOffset) ?? 0),
          plainMs(lastViewedAt),
          value,
          rated ? plainMs(lastRatedAt) : NONE,
          rated ? plainMs(updatedAt) : NONE,
        );
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
  if (table.skipped > 0) {
    notes.add(
      "state-row-skipped",
      (n) => `${n} state row(s) without a valid account or guid were skipped`,
      table.skipped,
    );
  }
  table.emit(guids, result, sink ?? ((state) => result.states.push(state)));
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

/** The fields of one pair in StateTable's cells, side by side. */
const ACCOUNT = 0;
const ROWS = 1;
const PLAY_COUNT = 2;
const LAST_VIEWED_MS = 3;
/** The position of the row with the largest (last_viewed_at, rowid); its date is LAST_VIEWED_MS. */
const POSITION_MS = 4;
const POSITION_ROW_ID = 5;
/** NaN while no row has a rating; then the rating of the largest (last_rated_at, updated_at, rowid). */
const RATING = 6;
const RATING_RATED_MS = 7;
const RATING_UPDATED_MS = 8;
const RATING_ROW_ID = 9;
const FIELDS = 10;

/**
 * Combined rows per (guid, account), as readStates() combines them (state.ts). A pair's fields
 * lie side by side in one array: the pairs are numbered in row order but handed on in guid
 * order, and one array per field cost a cache miss per field and pair there (measured at 1.8M
 * pairs: emitting took ~2.4 s of CPU with ten arrays).
 */
class StateTable {
  skipped = 0;
  private readonly pairIndex: PairIndex;
  private readonly cells: Float64Array;
  private readonly capacity: number;
  private pairs = 0;

  /** `capacity`: the table's row count, which no number of pairs can exceed. */
  constructor(
    private readonly numbers: GuidNumbers,
    capacity: number,
  ) {
    this.pairIndex = new PairIndex(numbers.guids.length);
    this.capacity = Math.max(1, capacity);
    this.cells = new Float64Array(FIELDS * this.capacity);
  }

  /** The guid number of a row, or SKIPPED_GUID. */
  guidOf(rowid: number): number {
    const number = this.numbers.rowGuids[rowid - this.numbers.low];
    if (number === undefined || number < SKIPPED_GUID) throw new OddRow("a row the guid index did not list");
    return number;
  }

  add(
    guid: number,
    account: number,
    rowId: number,
    playCount: number,
    positionMs: number,
    viewedMs: number,
    rating: number,
    ratedMs: number,
    updatedMs: number,
  ): void {
    const pairs = this.pairIndex.of(account);
    const p = pairs[guid]!;
    const cells = this.cells;
    if (p === -1) {
      // More rows than count(*) said: the file changed under the read, which then starts over.
      if (this.pairs === this.capacity) throw new OddRow("more rows than counted");
      const q = this.pairs++;
      pairs[guid] = q;
      const at = FIELDS * q;
      cells[at + ACCOUNT] = account;
      cells[at + ROWS] = 1;
      cells[at + PLAY_COUNT] = playCount;
      cells[at + LAST_VIEWED_MS] = viewedMs;
      cells[at + POSITION_MS] = positionMs;
      cells[at + POSITION_ROW_ID] = rowId;
      cells[at + RATING] = rating;
      cells[at + RATING_RATED_MS] = ratedMs;
      cells[at + RATING_UPDATED_MS] = updatedMs;
      cells[at + RATING_ROW_ID] = rowId;
      return;
    }
    const at = FIELDS * p;
    cells[at + ROWS]!++;
    if (playCount > cells[at + PLAY_COUNT]!) cells[at + PLAY_COUNT] = playCount;
    const lastViewed = cells[at + LAST_VIEWED_MS]!;
    if (viewedMs > lastViewed || (viewedMs === lastViewed && rowId > cells[at + POSITION_ROW_ID]!)) {
      cells[at + LAST_VIEWED_MS] = viewedMs;
      cells[at + POSITION_MS] = positionMs;
      cells[at + POSITION_ROW_ID] = rowId;
    }
    if (
      !Number.isNaN(rating) &&
      (Number.isNaN(cells[at + RATING]!) || this.ratedLater(at, ratedMs, updatedMs, rowId))
    ) {
      cells[at + RATING] = rating;
      cells[at + RATING_RATED_MS] = ratedMs;
      cells[at + RATING_UPDATED_MS] = updatedMs;
      cells[at + RATING_ROW_ID] = rowId;
    }
  }

  private ratedLater(at: number, rated: number, updated: number, rowId: number): boolean {
    const cells = this.cells;
    if (rated !== cells[at + RATING_RATED_MS]) return rated > cells[at + RATING_RATED_MS]!;
    if (updated !== cells[at + RATING_UPDATED_MS]) return updated > cells[at + RATING_UPDATED_MS]!;
    return rowId > cells[at + RATING_ROW_ID]!;
  }

  /** Every pair through state.ts's flush(), by guid in SQLite's order, then by account. */
  emit(guids: ReadonlyMap<string, GuidInfo>, result: StateResult, emit: (state: WatchState) => void): void {
    const texts = this.numbers.guids;
    const { first, next } = pairsByGuid(this.pairIndex.accounts(), texts.length, this.pairs);
    const cells = this.cells;
    const group = newGroup();
    const userIds = new Map<number, string>();
    for (let number = 0; number < texts.length; number++) {
      const guid = texts[number];
      // Skipped guids have no pairs.
      if (typeof guid !== "string") continue;
      group.guid = guid;
      group.info = guids.get(guid);
      for (let p = first[number]!; p !== -1; p = next[p]!) {
        const at = FIELDS * p;
        const account = cells[at + ACCOUNT]!;
        let userId = userIds.get(account);
        if (userId === undefined) {
          userId = String(account);
          userIds.set(account, userId);
        }
        group.account = account;
        group.userId = userId;
        group.rows = cells[at + ROWS]!;
        group.playCount = cells[at + PLAY_COUNT]!;
        group.lastViewedMs = cells[at + LAST_VIEWED_MS]!;
        group.positionMs = cells[at + POSITION_MS]!;
        group.positionViewedMs = cells[at + LAST_VIEWED_MS]!;
        group.positionRowId = cells[at + POSITION_ROW_ID]!;
        group.rating = cells[at + RATING]!;
        group.ratingRatedMs = cells[at + RATING_RATED_MS]!;
        group.ratingUpdatedMs = cells[at + RATING_UPDATED_MS]!;
        group.ratingRowId = cells[at + RATING_ROW_ID]!;
        flush(group, result, emit);
      }
    }
  }
}

/**
 * The pairs of each guid number as a list (`first[number]`, then `next[pair]`, -1 ends it) in
 * account order. Built account by account, each account's array read in order: walking guid
 * by guid across all the accounts' arrays instead costs a cache miss per cell (measured at
 * 200,000 guids × 50 accounts: seconds).
 */
function pairsByGuid(
  accounts: ReadonlyArray<[number, Int32Array]>,
  guidCount: number,
  pairCount: number,
): { first: Int32Array; next: Int32Array } {
  const first = new Int32Array(guidCount).fill(-1);
  const last = new Int32Array(guidCount);
  const next = new Int32Array(pairCount);
  for (const [, pairs] of accounts) {
    for (let number = 0; number < guidCount; number++) {
      const p = pairs[number]!;
      if (p === -1) continue;
      next[p] = -1;
      if (first[number] === -1) first[number] = p;
      else next[last[number]!] = p;
      last[number] = p;
    }
  }
  return { first, next };
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
