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

/** Combined rows per (guid, account), as readStates() combines them (state.ts). */
class StateTable {
  skipped = 0;
  private readonly pairIndex: PairIndex;
  private readonly accounts: Float64Array;
  private readonly rows: Float64Array;
  private readonly playCount: Float64Array;
  private readonly lastViewedMs: Float64Array;
  /** The position of the row with the largest (last_viewed_at, rowid); its date is lastViewedMs. */
  private readonly positionMs: Float64Array;
  private readonly positionRowId: Float64Array;
  /** NaN while no row has a rating; then the rating of the largest (last_rated_at, updated_at, rowid). */
  private readonly rating: Float64Array;
  private readonly ratingRatedMs: Float64Array;
  private readonly ratingUpdatedMs: Float64Array;
  private readonly ratingRowId: Float64Array;
  private pairs = 0;

  /** `capacity`: the table's row count, which no number of pairs can exceed. */
  constructor(
    private readonly numbers: GuidNumbers,
    capacity: number,
  ) {
    this.pairIndex = new PairIndex(numbers.guids.length);
    const size = Math.max(1, capacity);
    this.accounts = new Float64Array(size);
    this.rows = new Float64Array(size);
    this.playCount = new Float64Array(size);
    this.lastViewedMs = new Float64Array(size);
    this.positionMs = new Float64Array(size);
    this.positionRowId = new Float64Array(size);
    this.rating = new Float64Array(size);
    this.ratingRatedMs = new Float64Array(size);
    this.ratingUpdatedMs = new Float64Array(size);
    this.ratingRowId = new Float64Array(size);
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
    if (p === -1) {
      // More rows than count(*) said: the file changed under the read, which then starts over.
      if (this.pairs === this.rows.length) throw new OddRow("more rows than counted");
      const q = this.pairs++;
      pairs[guid] = q;
      this.accounts[q] = account;
      this.rows[q] = 1;
      this.playCount[q] = playCount;
      this.lastViewedMs[q] = viewedMs;
      this.positionMs[q] = positionMs;
      this.positionRowId[q] = rowId;
      this.rating[q] = rating;
      this.ratingRatedMs[q] = ratedMs;
      this.ratingUpdatedMs[q] = updatedMs;
      this.ratingRowId[q] = rowId;
      return;
    }
    this.rows[p]!++;
    if (playCount > this.playCount[p]!) this.playCount[p] = playCount;
    const lastViewed = this.lastViewedMs[p]!;
    if (viewedMs > lastViewed || (viewedMs === lastViewed && rowId > this.positionRowId[p]!)) {
      this.lastViewedMs[p] = viewedMs;
      this.positionMs[p] = positionMs;
      this.positionRowId[p] = rowId;
    }
    if (
      !Number.isNaN(rating) &&
      (Number.isNaN(this.rating[p]!) || this.ratedLater(p, ratedMs, updatedMs, rowId))
    ) {
      this.rating[p] = rating;
      this.ratingRatedMs[p] = ratedMs;
      this.ratingUpdatedMs[p] = updatedMs;
      this.ratingRowId[p] = rowId;
    }
  }

  private ratedLater(p: number, rated: number, updated: number, rowId: number): boolean {
    if (rated !== this.ratingRatedMs[p]) return rated > this.ratingRatedMs[p]!;
    if (updated !== this.ratingUpdatedMs[p]) return updated > this.ratingUpdatedMs[p]!;
    return rowId > this.ratingRowId[p]!;
  }

  /** Every pair through state.ts's flush(), by guid in SQLite's order, then by account. */
  emit(guids: ReadonlyMap<string, GuidInfo>, result: StateResult, emit: (state: WatchState) => void): void {
    const texts = this.numbers.guids;
    const { first, next } = pairsByGuid(this.pairIndex.accounts(), texts.length, this.pairs);
    const group = newGroup();
    const userIds = new Map<number, string>();
    for (let number = 0; number < texts.length; number++) {
      const guid = texts[number];
      // Skipped guids have no pairs.
      if (typeof guid !== "string") continue;
      group.guid = guid;
      group.info = guids.get(guid);
      for (let p = first[number]!; p !== -1; p = next[p]!) {
        const account = this.accounts[p]!;
        let userId = userIds.get(account);
        if (userId === undefined) {
          userId = String(account);
          userIds.set(account, userId);
        }
        group.account = account;
        group.userId = userId;
        group.rows = this.rows[p]!;
        group.playCount = this.playCount[p]!;
        group.lastViewedMs = this.lastViewedMs[p]!;
        group.positionMs = this.positionMs[p]!;
        group.positionViewedMs = this.lastViewedMs[p]!;
        group.positionRowId = this.positionRowId[p]!;
        group.rating = this.rating[p]!;
        group.ratingRatedMs = this.ratingRatedMs[p]!;
        group.ratingUpdatedMs = this.ratingUpdatedMs[p]!;
        group.ratingRowId = this.ratingRowId[p]!;
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
