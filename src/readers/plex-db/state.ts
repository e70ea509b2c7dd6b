import type Database from "better-sqlite3";
import { type HistorySummary, type ItemKind, LEAF_KINDS, type WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import type { PairKeys } from "./pairs.js";
import { columnOrNull, type SchemaInfo } from "./schema.js";
import { int, type Notes, num, type TimeDecoder } from "./values.js";

/**
 * Per-person state and history, streamed row by row (`iterate()`): memory grows with the
 * number of (account, guid) pairs, never with the number of rows.
 */

export interface HistoryResult {
  summaries: HistorySummary[];
  eventCount: number;
  /** Latest play of a pair number, for last-played fallbacks. */
  lastPlayed(pair: number): number | null;
  accountIds: Set<number>;
}

/** `keys` is shared with readStates, so each (account, guid) is interned once. */
export function readHistory(
  db: Database.Database,
  keys: PairKeys,
  times: TimeDecoder,
  notes: Notes,
  task: ProgressTask,
): HistoryResult {
  const plays: number[] = [];
  /** Latest play per pair in ms; NaN while unknown. */
  const latest: number[] = [];
  let events = 0;
  const rows = db.prepare("SELECT account_id, guid, viewed_at FROM metadata_item_views").raw().iterate();
  // Index access, not destructuring: this loop runs once per play ever recorded.
  for (const row of rows as Iterable<unknown[]>) {
    if (++events % 50_000 === 0) task.tick(50_000);
    const account = row[0];
    const guid = row[1];
    const viewedAt = row[2];
    const accountId = int(account);
    if (accountId === null || accountId <= 0 || typeof guid !== "string" || guid === "") {
      notes.add(
        "history-row-skipped",
        (n) => `${n} history row(s) without a valid account or guid were skipped`,
      );
      continue;
    }
    const pair = keys.pair(accountId, guid);
    const ms = times.ms(viewedAt) ?? Number.NaN;
    if (pair >= plays.length) {
      plays.push(1);
      latest.push(ms);
    } else {
      plays[pair]!++;
      // NaN compares false, so an unknown date never replaces a known one.
      if (ms > latest[pair]! || Number.isNaN(latest[pair]!)) latest[pair] = ms;
    }
  }
  task.tick(events % 50_000);
  const summaries: HistorySummary[] = [];
  for (let pair = 0; pair < plays.length; pair++) {
    const ms = latest[pair]!;
    if (Number.isNaN(ms)) {
      notes.add(
        "history-without-date",
        (n) => `${n} history pair(s) had no readable play date and were left out`,
      );
      continue;
    }
    summaries.push({
      userId: keys.userId(pair),
      identity: keys.guid(pair),
      plays: plays[pair]!,
      lastViewedAt: new Date(ms),
    });
  }
  return {
    summaries,
    eventCount: events,
    lastPlayed: (pair) => {
      const ms = latest[pair];
      return ms === undefined || Number.isNaN(ms) ? null : ms;
    },
    accountIds: new Set(keys.accounts()),
  };
}

/**
 * Combined settings rows, one slot per pair in parallel number arrays (no per-pair objects for
 * the garbage collector to trace). -Infinity stands for "no date", NaN for "no rating".
 */
class CombinedRows {
  readonly rows: number[] = [];
  readonly playCount: number[] = [];
  readonly lastViewedMs: number[] = [];
  /** Position of the row viewed last; (positionViewedMs, positionRowId) picks that row. */
  readonly positionMs: number[] = [];
  readonly positionViewedMs: number[] = [];
  readonly positionRowId: number[] = [];
  readonly rating: number[] = [];
  /** (last_rated_at, updated_at, id) of the row the rating came from. */
  readonly ratingRatedMs: number[] = [];
  readonly ratingUpdatedMs: number[] = [];
  readonly ratingRowId: number[] = [];

  /** An empty slot; slots are filled in pair order, so the arrays never get holes. */
  reset(pair: number): void {
    this.rows[pair] = 0;
    this.playCount[pair] = 0;
    this.lastViewedMs[pair] = NONE;
    this.positionMs[pair] = 0;
    this.positionViewedMs[pair] = NONE;
    this.positionRowId[pair] = 0;
    this.rating[pair] = Number.NaN;
    this.ratingRatedMs[pair] = NONE;
    this.ratingUpdatedMs[pair] = NONE;
    this.ratingRowId[pair] = 0;
  }
}

export interface StateResult {
  states: WatchState[];
  orphanedStateCount: number;
  accountIds: Set<number>;
}

const NONE = Number.NEGATIVE_INFINITY;

/**
 * metadata_item_settings combined per (account, guid) as SEMANTICS §3 says: the largest
 * view_count, the latest last_viewed_at, the view_offset of the row viewed last, the non-null
 * rating of the row rated last (last_rated_at, else updated_at, else the highest id).
 */
export function readStates(
  db: Database.Database,
  schema: SchemaInfo,
  keys: PairKeys,
  kindsByGuid: ReadonlyMap<string, ReadonlySet<ItemKind>>,
  history: HistoryResult,
  times: TimeDecoder,
  notes: Notes,
  task: ProgressTask,
): StateResult {
  const col = (name: string) => columnOrNull(schema, "metadata_item_settings", name);
  const rows = db
    .prepare(
      `SELECT rowid, account_id, guid, view_count, view_offset, last_viewed_at, rating, ${col("last_rated_at")}, ${col("updated_at")}
       FROM metadata_item_settings`,
    )
    .raw()
    .iterate() as Iterable<unknown[]>;
  const c = new CombinedRows();
  // Pairs numbered by history come first; their slots start empty (rows = 0).
  for (let pair = 0; pair < keys.size; pair++) c.reset(pair);
  let seen = 0;
  for (const row of rows) {
    if (++seen % 50_000 === 0) task.tick(50_000);
    const [rowid, account, guid, viewCount, viewOffset, lastViewedAt, rating, lastRatedAt, updatedAt] = row;
    const accountId = int(account);
    if (accountId === null || accountId <= 0 || typeof guid !== "string" || guid === "") {
      notes.add("state-row-skipped", (n) => `${n} state row(s) without a valid account or guid were skipped`);
      continue;
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
    const pair = keys.pair(accountId, guid);
    if (pair >= c.rows.length || c.rows[pair] === 0) {
      c.rows[pair] = 1;
      c.playCount[pair] = playCount;
      c.lastViewedMs[pair] = viewedMs;
      c.positionMs[pair] = positionMs;
      c.positionViewedMs[pair] = viewedMs;
      c.positionRowId[pair] = id;
      c.rating[pair] = value;
      c.ratingRatedMs[pair] = ratedMs;
      c.ratingUpdatedMs[pair] = updatedMs;
      c.ratingRowId[pair] = id;
      continue;
    }
    c.rows[pair]!++;
    if (playCount > c.playCount[pair]!) c.playCount[pair] = playCount;
    if (viewedMs > c.lastViewedMs[pair]!) c.lastViewedMs[pair] = viewedMs;
    const bestViewed = c.positionViewedMs[pair]!;
    if (viewedMs > bestViewed || (viewedMs === bestViewed && id > c.positionRowId[pair]!)) {
      c.positionMs[pair] = positionMs;
      c.positionViewedMs[pair] = viewedMs;
      c.positionRowId[pair] = id;
    }
    if (
      rated &&
      (Number.isNaN(c.rating[pair]!) ||
        laterRating(
          ratedMs,
          updatedMs,
          id,
          c.ratingRatedMs[pair]!,
          c.ratingUpdatedMs[pair]!,
          c.ratingRowId[pair]!,
        ))
    ) {
      c.rating[pair] = value;
      c.ratingRatedMs[pair] = ratedMs;
      c.ratingUpdatedMs[pair] = updatedMs;
      c.ratingRowId[pair] = id;
    }
  }
  task.tick(seen % 50_000);

  const states: WatchState[] = [];
  const stateAccounts = new Set<number>();
  let orphaned = 0;
  for (let pair = 0; pair < c.rows.length; pair++) {
    if (c.rows[pair] === 0) continue; // a history-only pair
    stateAccounts.add(keys.account(pair));
    const guid = keys.guid(pair);
    const kinds = kindsByGuid.get(guid);
    if (!kinds) {
      orphaned += c.rows[pair]!;
      continue;
    }
    const value = c.rating[pair]!;
    const rating = Number.isNaN(value) ? null : value;
    const ratedMs = c.ratingRatedMs[pair]!;
    const ratedAt = rating === null || ratedMs === NONE ? null : new Date(ratedMs);
    if (!hasLeaf(kinds)) {
      // A show/season/album/artist row: its view_count counts watched children, not plays.
      if (rating === null) continue;
      states.push({
        userId: keys.userId(pair),
        identity: guid,
        played: false,
        playCount: 0,
        lastPlayedAt: null,
        positionMs: 0,
        rating,
        ratedAt,
      });
      continue;
    }
    const viewedMs = c.lastViewedMs[pair]!;
    const lastMs = viewedMs !== NONE ? viewedMs : history.lastPlayed(pair);
    const playCount = c.playCount[pair]!;
    states.push({
      userId: keys.userId(pair),
      identity: guid,
      played: playCount > 0,
      playCount,
      lastPlayedAt: lastMs === null ? null : new Date(lastMs),
      positionMs: c.positionMs[pair]!,
      rating,
      ratedAt,
    });
  }
  return { states, orphanedStateCount: orphaned, accountIds: stateAccounts };
}

function hasLeaf(kinds: ReadonlySet<ItemKind>): boolean {
  for (const kind of kinds) if (LEAF_KINDS.has(kind)) return true;
  return false;
}

/** Rated later: by last_rated_at, then updated_at, then row id. */
function laterRating(
  rated: number,
  updated: number,
  id: number,
  bestRated: number,
  bestUpdated: number,
  bestId: number,
) {
  if (rated !== bestRated) return rated > bestRated;
  if (updated !== bestUpdated) return updated > bestUpdated;
  return id > bestId;
}
