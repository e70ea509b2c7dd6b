import {
  EMPTY_WATCH_STATE,
  type HistorySummary,
  type Item,
  LEAF_KINDS,
  type WatchState,
} from "../../model/index.js";
import type { Notes } from "../plex-db/values.js";
import type { WireHistoryEntry, WireMetadata } from "./schema.js";

/**
 * Plays per (account, item identity). The history feed names items by ratingKey only, so each
 * entry is resolved through the listed items to the item's guid; entries whose ratingKey is
 * missing or unknown (media gone since, or outside the listed libraries) are counted and
 * reported, never guessed.
 */
export class HistoryTally {
  private readonly pairs = new Map<string, Map<string, { plays: number; lastMs: number }>>();
  eventCount = 0;
  unresolved = 0;

  constructor(private readonly identityOf: ReadonlyMap<string, string>) {}

  add(entry: WireHistoryEntry): void {
    this.eventCount++;
    const account = Math.trunc(entry.accountID);
    const identity = entry.ratingKey === undefined ? undefined : this.identityOf.get(entry.ratingKey);
    if (identity === undefined || account <= 0 || !Number.isFinite(entry.viewedAt)) {
      this.unresolved++;
      return;
    }
    this.record(String(account), identity, entry.viewedAt * 1000);
  }

  /** One play of a known identity (also used to merge other history sources). */
  record(userId: string, identity: string, viewedMs: number): void {
    let byIdentity = this.pairs.get(userId);
    if (!byIdentity) {
      byIdentity = new Map();
      this.pairs.set(userId, byIdentity);
    }
    const pair = byIdentity.get(identity);
    if (!pair) byIdentity.set(identity, { plays: 1, lastMs: viewedMs });
    else {
      pair.plays++;
      if (viewedMs > pair.lastMs) pair.lastMs = viewedMs;
    }
  }

  has(userId: string, identity: string): boolean {
    return this.pairs.get(userId)?.has(identity) ?? false;
  }

  accountIds(): string[] {
    return [...this.pairs.keys()];
  }

  summaries(): HistorySummary[] {
    const out: HistorySummary[] = [];
    for (const [userId, byIdentity] of this.pairs) {
      for (const [identity, { plays, lastMs }] of byIdentity) {
        out.push({ userId, identity, plays, lastViewedAt: new Date(lastMs) });
      }
    }
    return out;
  }

  report(notes: Notes): void {
    if (this.unresolved === 0) return;
    notes.add(
      "history-unresolved",
      (n) =>
        `${n} history entr(y/ies) name an item the API no longer lists (deleted or re-matched media); ` +
        "they were counted but not attributed to any item (the database keeps them: use --plex-db)",
      this.unresolved,
    );
  }
}

/** The token owner's listed state of one identity, combined over the items that share it. */
interface OwnerState {
  playCount: number;
  lastViewedMs: number | null;
  positionMs: number;
  positionViewedMs: number;
  rating: number | null;
  ratedMs: number | null;
}

/**
 * The owner's state per identity from the item listings (SEMANTICS §3 and §8): played when
 * viewCount > 0; last played = lastViewedAt, else the latest play in the history; position =
 * viewOffset; rating = userRating. Several items of one identity combine as duplicate rows do.
 * Shows, seasons, albums and artists only carry a rating (their viewCount counts children).
 */
export class OwnerStates {
  private readonly byIdentity = new Map<string, OwnerState>();
  private readonly leaf = new Set<string>();

  add(item: Item, wire: WireMetadata, notes: Notes): void {
    if (LEAF_KINDS.has(item.kind)) this.leaf.add(item.identity);
    let rating = wire.userRating ?? null;
    if (rating !== null && (rating < 0 || rating > 10)) {
      notes.add("rating-out-of-range", (n) => `${n} rating(s) outside 0–10 were ignored`);
      rating = null;
    }
    const next: OwnerState = {
      playCount: Math.max(0, Math.trunc(wire.viewCount ?? 0)),
      lastViewedMs: wire.lastViewedAt ? wire.lastViewedAt * 1000 : null,
      positionMs: Math.max(0, wire.viewOffset ?? 0),
      positionViewedMs: wire.lastViewedAt ? wire.lastViewedAt * 1000 : Number.NEGATIVE_INFINITY,
      rating,
      ratedMs: rating !== null && wire.lastRatedAt ? wire.lastRatedAt * 1000 : null,
    };
    const empty =
      next.playCount === 0 && next.positionMs === 0 && next.lastViewedMs === null && rating === null;
    const seen = this.byIdentity.get(item.identity);
    if (!seen) {
      if (!empty) this.byIdentity.set(item.identity, next);
      return;
    }
    seen.playCount = Math.max(seen.playCount, next.playCount);
    if (next.lastViewedMs !== null && (seen.lastViewedMs === null || next.lastViewedMs > seen.lastViewedMs))
      seen.lastViewedMs = next.lastViewedMs;
    if (next.positionViewedMs > seen.positionViewedMs) {
      seen.positionMs = next.positionMs;
      seen.positionViewedMs = next.positionViewedMs;
    }
    if (next.rating !== null && (seen.rating === null || (next.ratedMs ?? -1) > (seen.ratedMs ?? -1))) {
      seen.rating = next.rating;
      seen.ratedMs = next.ratedMs;
    }
  }

  /**
   * States of the owner: exactly the identities the listings give state for, as the database
   * has a state exactly for its settings rows. A play in the history with nothing in the
   * listing gives no state here, as a history row without a settings row gives none there: the
   * planner then dates the last play from the history and never counts it as played (SEMANTICS
   * §3), whichever way the server was read.
   */
  states(ownerId: string, history: HistoryTally): WatchState[] {
    const out: WatchState[] = [];
    const lastPlayed = new Map(
      history
        .summaries()
        .filter((s) => s.userId === ownerId)
        .map((s) => [s.identity, s.lastViewedAt]),
    );
    for (const [identity, state] of this.byIdentity) {
      const leaf = this.leaf.has(identity);
      if (!leaf && state.rating === null) continue;
      const ratedAt = state.rating !== null && state.ratedMs !== null ? new Date(state.ratedMs) : null;
      if (!leaf) {
        out.push(empty(ownerId, identity, { rating: state.rating, ratedAt }));
        continue;
      }
      const last =
        state.lastViewedMs !== null ? new Date(state.lastViewedMs) : (lastPlayed.get(identity) ?? null);
      out.push({
        userId: ownerId,
        identity,
        played: state.playCount > 0,
        playCount: state.playCount,
        lastPlayedAt: last,
        positionMs: state.positionMs,
        rating: state.rating,
        ratedAt,
      });
    }
    return out;
  }
}

/**
 * Another account's state, from its history alone (SEMANTICS §8): played when it has at least
 * one entry for the identity, play count = its entries, last played = the latest. Position and
 * rating cannot be known; the account's `unknownFields` say so and nothing is written for them.
 */
export function derivedStates(history: HistoryTally, ownerId: string): WatchState[] {
  return history
    .summaries()
    .filter((s) => s.userId !== ownerId)
    .map((s) => ({
      userId: s.userId,
      identity: s.identity,
      ...EMPTY_WATCH_STATE,
      played: true,
      playCount: s.plays,
      lastPlayedAt: s.lastViewedAt,
    }));
}

function empty(userId: string, identity: string, extra: Partial<WatchState>): WatchState {
  return { userId, identity, ...EMPTY_WATCH_STATE, ...extra };
}
