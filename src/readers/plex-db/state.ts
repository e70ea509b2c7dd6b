import type Database from "better-sqlite3";
import { EMPTY_WATCH_STATE, type WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import { eachRow } from "./rows.js";
import { columnOrNull, type SchemaInfo } from "./schema.js";
import { int, type Notes, num, type TimeDecoder } from "./values.js";

/**
 * Per-person watch state (history is in history.ts). readStates() is the exact reference and
 * the fallback of state-sums.ts, which gives the same result without the sort when every row
 * allows it (reader.ts tries that first). SQLite orders rows by (guid, account) with
 * its own sorter (bounded memory, spills to temporary files) and the rows are streamed with
 * `eachRow()`, so memory here grows with the number of (guid, account) pairs, never with the
 * number of rows, and no per-row hashing happens in JavaScript. Tables are scanned `NOT
 * INDEXED`: a full scan plus one sort beats millions of index-ordered row lookups.
 *
 * Guid first, not account first: SQLite's sorter compares a leading text key with memcmp but
 * an integer followed by text through its general record compare, and with few accounts
 * nearly every comparison reaches the text (measured: 440,000 states 1.25 → 1.0 s CPU, 1M
 * history rows 2.5 → 1.9 s). The pairs of one guid then come together, so its item is looked
 * up once, not once per account.
 */

export const NONE = Number.NEGATIVE_INFINITY;

/** Undated leaf states per account, then per guid: most accounts have none, so most history groups cost one number lookup. */
export type UndatedStates = Map<number, Map<string, WatchState>>;

/** What the reader knows of an item guid: the identity text to share, and whether a leaf item has it. */
export interface GuidInfo {
  /** The guid string of the items, kept once: millions of states of one guid share it. */
  identity: string;
  /** Whether any item with this guid is a leaf (movie, episode, track). */
  leaf: boolean;
}

export interface StateResult {
  /** The combined states in (guid, account) order; empty when a sink took them. */
  states: WatchState[];
  orphanedStateCount: number;
  accountIds: Set<number>;
  /** States of leaf items with no last_viewed_at: history may know when they were played. */
  undated: UndatedStates;
}

/** Everything known about one (guid, account) so far, combined as SEMANTICS §3 says. */
export interface Group {
  account: number;
  /** The account id as text, shared by all groups of the account. */
  userId: string;
  guid: string;
  /** What the items know of `guid` (undefined: no item has it), looked up once per guid. */
  info: GuidInfo | undefined;
  rows: number;
  playCount: number;
  lastViewedMs: number;
  positionMs: number;
  /** (last_viewed_at, id) of the row the position came from: the row viewed last. */
  positionViewedMs: number;
  positionRowId: number;
  /** NaN while no row has a rating. */
  rating: number;
  /** (last_rated_at, updated_at, id) of the row the rating came from: the row rated last. */
  ratingRatedMs: number;
  ratingUpdatedMs: number;
  ratingRowId: number;
}

/**
 * The columns the states are read from, in the order the row visitors take them; without the
 * guid when the caller has numbered the rows' guids already (state-sums.ts).
 */
export function stateColumns(schema: SchemaInfo, withGuid = true): string {
  const col = (name: string) => columnOrNull(schema, "metadata_item_settings", name);
  return `SELECT account_id, ${withGuid ? "guid, " : ""}rowid, view_count, view_offset, last_viewed_at, rating, ${col("last_rated_at")}, ${col("updated_at")}
       FROM metadata_item_settings NOT INDEXED`;
}

/**
 * metadata_item_settings combined per (account, guid): the largest view_count, the latest
 * last_viewed_at, the view_offset of the row viewed last, the non-null rating of the row rated
 * last (last_rated_at, else updated_at, else the highest id).
 */
export function readStates(
  db: Database.Database,
  schema: SchemaInfo,
  guids: ReadonlyMap<string, GuidInfo>,
  times: TimeDecoder,
  notes: Notes,
  task: ProgressTask,
  /** Where each combined state goes, in order; by default into `states` of the result. */
  sink?: (state: WatchState) => void,
): StateResult {
  const sql = `${stateColumns(schema)} ORDER BY guid, account_id`;
  const result: StateResult = {
    states: [],
    orphanedStateCount: 0,
    accountIds: new Set(),
    undated: new Map(),
  };
  const emit = sink ?? ((state: WatchState) => result.states.push(state));
  // One record, refilled for each (guid, account): millions of rows must not mean millions of objects.
  const group = newGroup();
  // Account ids as text, made once per account: every state of the account shares the string.
  const userIds = new Map<number, string>();
  const userIdOf = (account: number) => {
    let text = userIds.get(account);
    if (text === undefined) {
      text = String(account);
      userIds.set(account, text);
    }
    return text;
  };
  let seen = 0;
  eachRow(
    db,
    sql,
    (account, guid, rowid, viewCount, viewOffset, lastViewedAt, rating, lastRatedAt, updatedAt) => {
      if (++seen % 50_000 === 0) task.tick(50_000);
      const accountId = int(account);
      if (accountId === null || accountId <= 0 || typeof guid !== "string" || guid === "") {
        notes.add(
          "state-row-skipped",
          (n) => `${n} state row(s) without a valid account or guid were skipped`,
        );
        return;
      }
      const id = rowid as number;
      const viewedMs = times.ms(lastViewedAt) ?? NONE;
      let value = num(rating) ?? Number.NaN;
      if (value < 0 || value > 10) {
        notes.add("rating-out-of-range", (n) => `${n} rating(s) outside 0–10 were ignored`);
        value = Number.NaN;
      }
      const rated = !Number.isNaN(value);
      const ratedMs = rated ? (times.ms(lastRatedAt) ?? NONE) : NONE;
      const updatedMs = rated ? (times.ms(updatedAt) ?? NONE) : NONE;
      const playCount = Math.max(0, int(viewCount) ?? 0);
      const positionMs = Math.max(0, num(viewOffset) ?? 0);
      if (group.rows === 0 || group.account !== accountId || group.guid !== guid) {
        if (group.rows > 0) flush(group, result, emit);
        if (group.account !== accountId) group.userId = userIdOf(accountId);
        if (group.rows === 0 || group.guid !== guid) group.info = guids.get(guid);
        group.account = accountId;
        group.guid = guid;
        group.rows = 1;
        group.playCount = playCount;
        group.lastViewedMs = viewedMs;
        group.positionMs = positionMs;
        group.positionViewedMs = viewedMs;
        group.positionRowId = id;
        group.rating = value;
        group.ratingRatedMs = ratedMs;
        group.ratingUpdatedMs = updatedMs;
        group.ratingRowId = id;
        return;
      }
      group.rows++;
      if (playCount > group.playCount) group.playCount = playCount;
      if (viewedMs > group.lastViewedMs) group.lastViewedMs = viewedMs;
      if (
        viewedMs > group.positionViewedMs ||
        (viewedMs === group.positionViewedMs && id > group.positionRowId)
      ) {
        group.positionMs = positionMs;
        group.positionViewedMs = viewedMs;
        group.positionRowId = id;
      }
      if (rated && (Number.isNaN(group.rating) || ratedLater(ratedMs, updatedMs, id, group))) {
        group.rating = value;
        group.ratingRatedMs = ratedMs;
        group.ratingUpdatedMs = updatedMs;
        group.ratingRowId = id;
      }
    },
  );
  if (group.rows > 0) flush(group, result, emit);
  task.tick(seen % 50_000);
  return result;
}

export function newGroup(): Group {
  return {
    account: Number.NaN,
    userId: "",
    guid: "",
    info: undefined,
    rows: 0,
    playCount: 0,
    lastViewedMs: NONE,
    positionMs: 0,
    positionViewedMs: NONE,
    positionRowId: 0,
    rating: Number.NaN,
    ratingRatedMs: NONE,
    ratingUpdatedMs: NONE,
    ratingRowId: 0,
  };
}

function ratedLater(rated: number, updated: number, id: number, best: Group): boolean {
  if (rated !== best.ratingRatedMs) return rated > best.ratingRatedMs;
  if (updated !== best.ratingUpdatedMs) return updated > best.ratingUpdatedMs;
  return id > best.ratingRowId;
}

/** The state of a complete group, to `emit`; counted as orphaned when no item has its guid. */
export function flush(group: Group, result: StateResult, emit: (state: WatchState) => void): void {
  result.accountIds.add(group.account);
  const guid = group.info;
  if (guid === undefined) {
    result.orphanedStateCount += group.rows;
    return;
  }
  const { identity, leaf } = guid;
  const rating = Number.isNaN(group.rating) ? null : group.rating;
  const ratedAt = rating === null || group.ratingRatedMs === NONE ? null : new Date(group.ratingRatedMs);
  const userId = group.userId;
  if (!leaf) {
    // A show/season/album/artist row: its view_count counts watched children, not plays.
    if (rating === null) return;
    emit({ userId, identity, ...EMPTY_WATCH_STATE, rating, ratedAt });
    return;
  }
  const state: WatchState = {
    userId,
    identity,
    played: group.playCount > 0,
    playCount: group.playCount,
    lastPlayedAt: group.lastViewedMs === NONE ? null : new Date(group.lastViewedMs),
    positionMs: group.positionMs,
    rating,
    ratedAt,
  };
  emit(state);
  if (state.lastPlayedAt === null) {
    let byGuid = result.undated.get(group.account);
    if (!byGuid) {
      byGuid = new Map();
      result.undated.set(group.account, byGuid);
    }
    byGuid.set(identity, state);
  }
}
