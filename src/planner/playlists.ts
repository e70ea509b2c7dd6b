import type { Playlist, TargetPlaylist } from "../model/index.js";
import type { SnapshotIndex } from "./context.js";
import { compareKeys } from "./context.js";
import { createPlaylistKey, playlistEntriesKey } from "./keys.js";
import type { ActionOf, Category, Skip, SkipReason } from "./plan.js";
import type { TargetState } from "./state.js";
import { knownCategories, type PlannedUser } from "./users.js";

export type PlaylistAction = ActionOf<"create-playlist"> | ActionOf<"add-playlist-entries">;

export interface PlaylistsResult {
  actions: PlaylistAction[];
  skipped: Skip[];
  limitations: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Matched entries of same-titled playlists, in Plex order, each target item once. */
function collectEntries(
  playlists: readonly Playlist[],
  index: SnapshotIndex,
): { itemIds: string[]; duplicates: number; unmatched: number; excluded: number; unknown: number } {
  const itemIds: string[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let unmatched = 0;
  let excluded = 0;
  let unknown = 0;
  for (const playlist of playlists) {
    excluded += playlist.excludedEntryCount ?? 0;
    if (playlist.entries === null) {
      unknown += 1;
      continue;
    }
    for (const key of playlist.entries) {
      const targetId = index.targetOf.get(key);
      if (targetId === undefined) unmatched += 1;
      else if (seen.has(targetId)) duplicates += 1;
      else {
        seen.add(targetId);
        itemIds.push(targetId);
      }
    }
  }
  return { itemIds, duplicates, unmatched, excluded, unknown };
}

/** The playlist this user owns with exactly this title (case-sensitive), if any. */
function ownedPlaylist(state: TargetState, userId: string | null, title: string): TargetPlaylist | undefined {
  if (userId === null) return undefined;
  // Only playlists the user owns count; one merely shared with them, or someone else's, is never touched.
  return (state.playlists.get(userId) ?? [])
    .filter((playlist) => playlist.ownerUserId === userId && playlist.title === title)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
}

/** SEMANTICS §4: each mapped user's Plex playlists become private playlists of that user. */
export function planPlaylists(
  users: readonly PlannedUser[],
  playlists: readonly Playlist[],
  index: SnapshotIndex,
  state: TargetState,
  options: { kinds: ReadonlySet<Category>; privatePlaylists: boolean },
): PlaylistsResult {
  const result: PlaylistsResult = { actions: [], skipped: [], limitations: [] };
  if (!options.kinds.has("playlists")) return result;
  let blocked = 0;
  for (const user of users) {
    const owners = new Set(
      user.sources
        .filter((source) => knownCategories(source, options.kinds).has("playlists"))
        .map((source) => source.id),
    );
    const byTitle = new Map<string, Playlist[]>();
    for (const playlist of playlists) {
      if (!owners.has(playlist.ownerUserId)) continue;
      const group = byTitle.get(playlist.title) ?? [];
      group.push(playlist);
      byTitle.set(playlist.title, group);
    }
    const titles = [...byTitle.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const title of titles) {
      const group = (byTitle.get(title) ?? []).sort((a, b) => compareKeys(a.key, b.key));
      const found = collectEntries(group, index);
      const skip = (reason: SkipReason, detail: string, count?: number) =>
        result.skipped.push({
          category: "playlists",
          reason,
          subject: title,
          detail: `${detail} (playlist of ${user.ref.name})`,
          ...(count === undefined ? {} : { count }),
        });
      if (found.unknown > 0) {
        skip("smart-membership-unknown", "a smart playlist whose current entries the source could not give");
      }
      if (found.duplicates > 0) {
        skip(
          "duplicate-entries",
          `${plural(found.duplicates, "duplicate entry", "duplicate entries")} kept once`,
          found.duplicates,
        );
      }
      if (found.unmatched > 0) {
        skip(
          "unmatched-entries",
          `${plural(found.unmatched, "entry", "entries")} without a target item (see unmatched)`,
          found.unmatched,
        );
      }
      if (found.excluded > 0) {
        skip(
          "excluded-library-entries",
          `${plural(found.excluded, "entry", "entries")} from excluded libraries left out`,
          found.excluded,
        );
      }
      if (found.itemIds.length === 0) {
        if (group.some((playlist) => playlist.entries !== null)) {
          skip("no-matched-entries", "no entry has a target item; nothing to create");
        }
        continue;
      }
      if (!options.privatePlaylists) {
        blocked += 1;
        skip("target-playlists-not-private", "the target cannot keep a playlist private to one user");
        continue;
      }
      const existing = ownedPlaylist(state, user.ref.id, title);
      if (existing) {
        const present = new Set(existing.entries.map((entry) => entry.itemId));
        const missing = found.itemIds.filter((id) => !present.has(id));
        if (missing.length === 0) continue;
        result.actions.push({
          key: playlistEntriesKey(user.key, title, missing),
          type: "add-playlist-entries",
          user: user.ref,
          playlistId: existing.id,
          title,
          before: existing.entries.map((entry) => entry.itemId),
          itemIds: missing,
        });
      } else {
        result.actions.push({
          key: createPlaylistKey(user.key, title),
          type: "create-playlist",
          user: user.ref,
          title,
          itemIds: found.itemIds,
        });
      }
    }
  }
  if (blocked > 0) {
    result.limitations.push(
      `The target shares every playlist with all users, so ${plural(blocked, "playlist was", "playlists were")} not migrated (they were private in Plex).`,
    );
  }
  return result;
}
