import {
  EMPTY_WATCH_STATE,
  type HistorySummary,
  LEAF_KINDS,
  type Snapshot,
  type WatchState,
} from "../../model/index.js";
import { Notes } from "../plex-db/values.js";
import type { TautulliPlay } from "./reader.js";

/**
 * Tautulli as an extra history source, without counting a play twice.
 *
 * Rule: Tautulli only fills (account, item identity) pairs for which the Plex history has no
 * play at all. Plex's own history (database or API) stays the authority wherever it says
 * anything; Tautulli adds plays Plex lost (history pruned, media re-added) or never had.
 * Deduplicating single plays by time is not possible here (the snapshot keeps per-pair totals,
 * and Tautulli's start/stop times differ from Plex's viewedAt), and a wrong extra play is
 * worse than a missing one, so a pair Plex knows is never topped up.
 *
 * Accounts: Tautulli's `user_id` is the plex.tv id, also for the owner (whose Plex account id
 * is 1), so plays are tied to accounts by user name (case-insensitive); a plex.tv id equal to a
 * non-owner account id is the fallback for renamed friends. Items: the row's rating key when
 * it names a current item (guids go stale after a re-match), else the row's guid.
 */
export function addTautulliHistory(snapshot: Snapshot, plays: readonly TautulliPlay[]): Snapshot {
  const notes = new Notes();
  const byName = new Map(snapshot.users.map((user) => [user.name.toLowerCase(), user]));
  const byId = new Map(snapshot.users.filter((user) => !user.isOwner).map((user) => [user.id, user]));
  const identityOf = new Map(snapshot.items.map((item) => [item.key, item.identity]));
  const knownIdentities = new Set(identityOf.values());
  const plexPairs = new Set(snapshot.history.map((h) => pairKey(h.userId, h.identity)));
  const added = new Map<string, HistorySummary>();
  let unmapped = 0;
  let unresolved = 0;
  let alreadyKnown = 0;
  for (const play of plays) {
    const user =
      (play.userName === null ? undefined : byName.get(play.userName.toLowerCase())) ??
      (play.plexTvUserId === null ? undefined : byId.get(String(play.plexTvUserId)));
    if (!user) {
      unmapped++;
      continue;
    }
    const identity =
      (play.ratingKey === null ? undefined : identityOf.get(play.ratingKey)) ?? play.guid ?? undefined;
    if (identity === undefined) {
      unresolved++;
      continue;
    }
    const key = pairKey(user.id, identity);
    if (plexPairs.has(key)) {
      alreadyKnown++;
      continue;
    }
    const seen = added.get(key);
    if (!seen)
      added.set(key, { userId: user.id, identity, plays: 1, lastViewedAt: new Date(play.viewedAtMs) });
    else {
      seen.plays++;
      if (play.viewedAtMs > seen.lastViewedAt.getTime()) seen.lastViewedAt = new Date(play.viewedAtMs);
    }
  }
  if (unmapped > 0)
    notes.add(
      "tautulli-unmapped",
      (n) => `${n} Tautulli play(s) belong to no Plex account by name or id; left out`,
      unmapped,
    );
  if (unresolved > 0)
    notes.add(
      "tautulli-unresolved",
      (n) => `${n} Tautulli play(s) name no item (no rating key or guid); left out`,
      unresolved,
    );
  if (alreadyKnown > 0)
    notes.add(
      "tautulli-known",
      (n) =>
        `${n} Tautulli play(s) are of account/item pairs the Plex history already has; Plex's count stands`,
      alreadyKnown,
    );
  const summaries = [...added.values()];
  if (summaries.length > 0)
    notes.add(
      "tautulli-added",
      (n) => `${n} account/item pair(s) the Plex history lacks were filled from Tautulli`,
      summaries.length,
    );
  return {
    ...snapshot,
    history: [...snapshot.history, ...summaries],
    states: [...snapshot.states, ...derivedFromTautulli(snapshot, summaries, knownIdentities)],
    warnings: [...snapshot.warnings, ...notes.warnings()],
  };
}

/**
 * Through the API, other accounts' state is their history (SEMANTICS §8), so a pair Tautulli
 * filled is played like any other. The owner's played flag stays Plex's own viewCount: a pair
 * only Tautulli knows gives the owner a last-played date, not a play. With a database every
 * state comes from the database, and history only dates last plays.
 */
function derivedFromTautulli(
  snapshot: Snapshot,
  summaries: readonly HistorySummary[],
  knownIdentities: ReadonlySet<string>,
): WatchState[] {
  if (snapshot.source.kind !== "plex-api") return [];
  const owners = new Set(snapshot.users.filter((user) => user.isOwner).map((user) => user.id));
  const leaf = new Set(
    snapshot.items.filter((item) => LEAF_KINDS.has(item.kind)).map((item) => item.identity),
  );
  const stated = new Set(snapshot.states.map((state) => pairKey(state.userId, state.identity)));
  return summaries
    .filter(
      (s) =>
        knownIdentities.has(s.identity) && leaf.has(s.identity) && !stated.has(pairKey(s.userId, s.identity)),
    )
    .map((s) => {
      const owner = owners.has(s.userId);
      return {
        userId: s.userId,
        identity: s.identity,
        ...EMPTY_WATCH_STATE,
        played: !owner,
        playCount: owner ? 0 : s.plays,
        lastPlayedAt: s.lastViewedAt,
      };
    });
}

function pairKey(userId: string, identity: string): string {
  return `${userId}\u0000${identity}`;
}
