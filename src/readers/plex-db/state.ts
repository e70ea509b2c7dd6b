import type Database from "better-sqlite3";
import { type HistorySummary, type ItemKind, LEAF_KINDS, type WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import { columnOrNull, type SchemaInfo } from "./schema.js";
import { int, type Notes, num, type TimeDecoder } from "./values.js";

/**
 * Per-person state and history, streamed row by row (`iterate()`): memory grows with the
 * number of (account, guid) pairs, never with the number of rows.
 */

/** Interns account ids and guids so a pair is one number key. */
class PairKeys {
  readonly accounts: number[] = [];
  readonly guids: string[] = [];
  private readonly accountIndex = new Map<number, number>();
  private readonly guidIndex = new Map<string, number>();

  key(account: number, guid: string): number {
    let a = this.accountIndex.get(account);
    if (a === undefined) {
      a = this.accounts.push(account) - 1;
      this.accountIndex.set(account, a);
    }
    let g = this.guidIndex.get(guid);
    if (g === undefined) {
      g = this.guids.push(guid) - 1;
      this.guidIndex.set(guid, g);
    }
    return a * 2 ** 32 + g;
  }

  /** The key of a pair seen before, without interning anything new. */
  find(account: number, guid: string): number | undefined {
    const a = this.accountIndex.get(account);
    const g = this.guidIndex.get(guid);
    return a === undefined || g === undefined ? undefined : a * 2 ** 32 + g;
  }

  account(key: number): number {
    return this.accounts[Math.floor(key / 2 ** 32)]!;
  }

  guid(key: number): string {
    return this.guids[key % 2 ** 32]!;
  }
}

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
  const plays = new Map<number, { count: number; lastMs: number | null }>();
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
    const key = keys.key(accountId, guid);
    const ms = times.ms(viewedAt);
    const entry = plays.get(key);
    if (!entry) plays.set(key, { count: 1, lastMs: ms });
    else {
      entry.count++;
      if (ms !== null && (entry.lastMs === null || ms > entry.lastMs)) entry.lastMs = ms;
    }
  }
  task.tick(events % 50_000);
  const summaries: HistorySummary[] = [];
  for (const [key, entry] of plays) {
    if (entry.lastMs === null) {
      notes.add(
        "history-without-date",
        (n) => `${n} history pair(s) had no readable play date and were left out`,
      );
      continue;
    }
    summaries.push({
      userId: String(keys.account(key)),
      identity: keys.guid(key),
      plays: entry.count,
      lastViewedAt: new Date(entry.lastMs),
    });
  }
  return {
    summaries,
    eventCount: events,
    lastPlayed: (account, guid) => {
      const key = keys.find(account, guid);
      return key === undefined ? null : (plays.get(key)?.lastMs ?? null);
    },
    accountIds: new Set(keys.accounts),
  };
}

interface Combined {
  rows: number;
  playCount: number;
  lastViewedMs: number | null;
  /** Position of the row viewed last, with that row's (last_viewed_at, id) as tie-break. */
  positionMs: number;
  positionBy: [number, number];
  rating: number | null;
  /** (last_rated_at, updated_at, id) of the row the rating came from. */
  ratingBy: [number, number, number];
  ratedMs: number | null;
}

export interface StateResult {
  states: WatchState[];
  orphanedStateCount: number;
  accountIds: Set<number>;
}

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
  const combined = new Map<number, Combined>();
  let seen = 0;
  const NONE = Number.NEGATIVE_INFINITY;
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
    const viewedMs = times.ms(lastViewedAt);
    const viewedKey: [number, number] = [viewedMs ?? NONE, id];
    let value = num(rating);
    if (value !== null && (value < 0 || value > 10)) {
      notes.add("rating-out-of-range", (n) => `${n} rating(s) outside 0–10 were ignored`);
      value = null;
    }
    const ratedMs = times.ms(lastRatedAt);
    const ratingKey: [number, number, number] = [ratedMs ?? NONE, times.ms(updatedAt) ?? NONE, id];
    const key = keys.key(accountId, guid);
    const entry = combined.get(key);
    const playCount = Math.max(0, int(viewCount) ?? 0);
    const positionMs = Math.max(0, num(viewOffset) ?? 0);
    if (!entry) {
      combined.set(key, {
        rows: 1,
        playCount,
        lastViewedMs: viewedMs,
        positionMs,
        positionBy: viewedKey,
        rating: value,
        ratingBy: ratingKey,
        ratedMs: value === null ? null : ratedMs,
      });
      continue;
    }
    entry.rows++;
    entry.playCount = Math.max(entry.playCount, playCount);
    if (viewedMs !== null && (entry.lastViewedMs === null || viewedMs > entry.lastViewedMs)) {
      entry.lastViewedMs = viewedMs;
    }
    if (later(viewedKey, entry.positionBy)) {
      entry.positionMs = positionMs;
      entry.positionBy = viewedKey;
    }
    if (value !== null && (entry.rating === null || later(ratingKey, entry.ratingBy))) {
      entry.rating = value;
      entry.ratingBy = ratingKey;
      entry.ratedMs = ratedMs;
    }
  }
  task.tick(seen % 50_000);

  const states: WatchState[] = [];
  let orphaned = 0;
  for (const [key, entry] of combined) {
    const guid = keys.guid(key);
    const kinds = kindsByGuid.get(guid);
    if (!kinds) {
      orphaned += entry.rows;
      continue;
    }
    const account = keys.account(key);
    const userId = String(account);
    const ratedAt = entry.ratedMs === null ? null : new Date(entry.ratedMs);
    if (![...kinds].some((kind) => LEAF_KINDS.has(kind))) {
      // A show/season/album/artist row: its view_count counts watched children, not plays.
      if (entry.rating === null) continue;
      states.push({
        userId,
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
    const lastMs = entry.lastViewedMs ?? history.lastPlayed(account, guid);
    states.push({
      userId,
      identity: guid,
      played: entry.playCount > 0,
      playCount: entry.playCount,
      lastPlayedAt: lastMs === null ? null : new Date(lastMs),
      positionMs: entry.positionMs,
      rating: entry.rating,
      ratedAt,
    });
  }
  return { states, orphanedStateCount: orphaned, accountIds: new Set(keys.accounts) };
}

function later(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  }
  return false;
}
