import type Database from "better-sqlite3";
import { type HistorySummary, type ItemKind, LEAF_KINDS, type WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import { PairKeys } from "./pairs.js";
import { columnOrNull, type SchemaInfo } from "./schema.js";
import { int, type Notes, num, type TimeDecoder } from "./values.js";

/**
 * Per-person state and history, streamed row by row (`iterate()`): memory grows with the
 * number of (account, guid) pairs, never with the number of rows.
 */

export interface HistoryResult {
  summaries: HistorySummary[];
  eventCount: number;
  /** Latest play of a pair, for last-played fallbacks. */
  lastPlayed(account: number, guid: string): number | null;
  accountIds: Set<number>;
}

export function readHistory(
  db: Database.Database,
  times: TimeDecoder,
  notes: Notes,
  task: ProgressTask,
): HistoryResult {
  const keys = new PairKeys();
  const plays: number[] = [];
  /** Latest play per pair in ms; NaN while unknown. */
  const latest: number[] = [];
  let events = 0;
  const rows = db.prepare("SELECT account_id, guid, viewed_at FROM metadata_item_views").raw().iterate();
  for (const [account, guid, viewedAt] of rows as Iterable<[unknown, unknown, unknown]>) {
    if (++events % 50_000 === 0) task.tick(50_000);
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
    if (pair === plays.length) {
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
      userId: String(keys.account(pair)),
      identity: keys.guid(pair),
      plays: plays[pair]!,
      lastViewedAt: new Date(ms),
    });
  }
  return {
    summaries,
    eventCount: events,
    lastPlayed: (account, guid) => {
      const pair = keys.find(account, guid);
      if (pair === undefined) return null;
      const ms = latest[pair]!;
      return Number.isNaN(ms) ? null : ms;
    },
    accountIds: new Set(keys.accounts()),
  };
}

/** Combined settings rows of one pair. Tie-breaks: -Infinity stands for "no date". */
interface Combined {
  rows: number;
  playCount: number;
  lastViewedMs: number;
  /** Position of the row viewed last; (positionViewedMs, positionRowId) picks that row. */
  positionMs: number;
  positionViewedMs: number;
  positionRowId: number;
  rating: number | null;
  /** (last_rated_at, updated_at, id) of the row the rating came from. */
  ratingRatedMs: number;
  ratingUpdatedMs: number;
  ratingRowId: number;
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
  const keys = new PairKeys();
  const combined: Combined[] = [];
  let seen = 0;
  for (const [
    rowid,
    account,
    guid,
    viewCount,
    viewOffset,
    lastViewedAt,
    rating,
    lastRatedAt,
    updatedAt,
  ] of rows) {
    if (++seen % 50_000 === 0) task.tick(50_000);
    const accountId = int(account);
    if (accountId === null || accountId <= 0 || typeof guid !== "string" || guid === "") {
      notes.add("state-row-skipped", (n) => `${n} state row(s) without a valid account or guid were skipped`);
      continue;
    }
    const id = rowid as number;
    const viewedMs = times.ms(lastViewedAt) ?? NONE;
    let value = num(rating);
    if (value !== null && (value < 0 || value > 10)) {
      notes.add("rating-out-of-range", (n) => `${n} rating(s) outside 0–10 were ignored`);
      value = null;
    }
    const ratedMs = value === null ? NONE : (times.ms(lastRatedAt) ?? NONE);
    const updatedMs = value === null ? NONE : (times.ms(updatedAt) ?? NONE);
    const playCount = Math.max(0, int(viewCount) ?? 0);
    const positionMs = Math.max(0, num(viewOffset) ?? 0);
    const pair = keys.pair(accountId, guid);
    const entry = combined[pair];
    if (entry === undefined) {
      combined.push({
        rows: 1,
        playCount,
        lastViewedMs: viewedMs,
        positionMs,
        positionViewedMs: viewedMs,
        positionRowId: id,
        rating: value,
        ratingRatedMs: ratedMs,
        ratingUpdatedMs: updatedMs,
        ratingRowId: id,
      });
      continue;
    }
    entry.rows++;
    if (playCount > entry.playCount) entry.playCount = playCount;
    if (viewedMs > entry.lastViewedMs) entry.lastViewedMs = viewedMs;
    if (
      viewedMs > entry.positionViewedMs ||
      (viewedMs === entry.positionViewedMs && id > entry.positionRowId)
    ) {
      entry.positionMs = positionMs;
      entry.positionViewedMs = viewedMs;
      entry.positionRowId = id;
    }
    if (
      value !== null &&
      (entry.rating === null ||
        laterRating(ratedMs, updatedMs, id, entry.ratingRatedMs, entry.ratingUpdatedMs, entry.ratingRowId))
    ) {
      entry.rating = value;
      entry.ratingRatedMs = ratedMs;
      entry.ratingUpdatedMs = updatedMs;
      entry.ratingRowId = id;
    }
  }
  task.tick(seen % 50_000);

  const states: WatchState[] = [];
  let orphaned = 0;
  for (let pair = 0; pair < combined.length; pair++) {
    const entry = combined[pair]!;
    const guid = keys.guid(pair);
    const kinds = kindsByGuid.get(guid);
    if (!kinds) {
      orphaned += entry.rows;
      continue;
    }
    const account = keys.account(pair);
    const ratedAt =
      entry.rating === null || entry.ratingRatedMs === NONE ? null : new Date(entry.ratingRatedMs);
    if (!hasLeaf(kinds)) {
      // A show/season/album/artist row: its view_count counts watched children, not plays.
      if (entry.rating === null) continue;
      states.push({
        userId: String(account),
        identity: guid,
        played: false,
        playCount: 0,
        lastPlayedAt: null,
        positionMs: 0,
        rating: entry.rating,
        ratedAt,
      });
      continue;
    }
    const lastMs = entry.lastViewedMs !== NONE ? entry.lastViewedMs : history.lastPlayed(account, guid);
    states.push({
      userId: String(account),
      identity: guid,
      played: entry.playCount > 0,
      playCount: entry.playCount,
      lastPlayedAt: lastMs === null ? null : new Date(lastMs),
      positionMs: entry.positionMs,
      rating: entry.rating,
      ratedAt,
    });
  }
  return { states, orphanedStateCount: orphaned, accountIds: new Set(keys.accounts()) };
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
