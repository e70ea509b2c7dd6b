import type { Snapshot } from "../../model/index.js";
import { Notes } from "../plex-db/values.js";
import { type ApiList, knownMembers } from "./lists.js";

/**
 * A database snapshot with the membership of smart playlists and smart collections from the
 * API (SEMANTICS §8: the database is the authority for everything it holds). Lists are paired
 * by ratingKey, which is the database's metadata_items.id, so member keys are item keys.
 * Only lists the API marks smart change; the API shows only the token owner's playlists, so
 * other people's smart playlists keep unknown membership (the planner skips them with a reason).
 */
export function addSmartMembership(
  snapshot: Snapshot,
  api: { playlists: readonly ApiList[]; collections: readonly ApiList[] },
): Snapshot {
  const notes = new Notes();
  const items = new Map(snapshot.items.map((item) => [item.key, item]));
  const smartPlaylists = new Map(
    api.playlists.filter((list) => list.isSmart).map((list) => [list.key, list]),
  );
  const smartCollections = new Map(
    api.collections.filter((list) => list.isSmart).map((list) => [list.key, list]),
  );
  const used = new Set<string>();

  const playlists = snapshot.playlists.map((playlist) => {
    const list = smartPlaylists.get(playlist.key);
    if (!list) return playlist;
    used.add(`p${list.key}`);
    return { ...playlist, isSmart: true, entries: knownMembers(list, items, notes, false) };
  });
  const collections = snapshot.collections.map((collection) => {
    const list = smartCollections.get(collection.key);
    if (!list) return collection;
    used.add(`c${list.key}`);
    return { ...collection, isSmart: true, memberKeys: knownMembers(list, items, notes, true) };
  });
  const unpaired =
    [...smartPlaylists.keys()].filter((key) => !used.has(`p${key}`)).length +
    [...smartCollections.keys()].filter((key) => !used.has(`c${key}`)).length;
  if (unpaired > 0) {
    notes.add(
      "smart-list-not-in-database",
      (n) =>
        `${n} smart playlist(s)/collection(s) of the Plex API are not in the database (created after the copy?); left out`,
      unpaired,
    );
  }
  const stillUnknown = playlists.filter((p) => p.entries === null).length;
  if (stillUnknown > 0) {
    notes.add(
      "smart-playlist-unknown",
      (n) =>
        `${n} smart playlist(s) of other accounts: the owner's token cannot list their membership; they are skipped`,
      stillUnknown,
    );
  }
  return {
    ...snapshot,
    source: { ...snapshot.source, kind: "plex-db+api" },
    playlists,
    collections,
    // The database's own "smart playlist" note is answered now; keep every other warning.
    warnings: [
      ...snapshot.warnings.filter((w) => !(w.code === "smart-playlist" && stillUnknown === 0)),
      ...notes.warnings(),
    ],
  };
}
