import type { Collection, Item, Playlist } from "../../model/index.js";
import type { PlexData } from "./data.js";

/** Plex JSON shapes (reference §10) built from the loaded fixture. */

const TYPE_NUMBER: Readonly<Record<Item["kind"], number>> = {
  movie: 1,
  show: 2,
  season: 3,
  episode: 4,
  artist: 8,
  album: 9,
  track: 10,
};

export function typeNumber(item: Item): number {
  return TYPE_NUMBER[item.kind];
}

const SECTION_TYPE: Readonly<Record<string, string>> = {
  movie: "movie",
  show: "show",
  music: "artist",
  photo: "photo",
  other: "movie",
};

export function renderSections(data: PlexData): Record<string, unknown>[] {
  let locationId = 0;
  return data.snapshot.libraries.map((library) => {
    const raw = data.sections.find((section) => section.id === library.id);
    return {
      key: library.id,
      type: SECTION_TYPE[library.kind],
      title: library.name,
      agent: raw?.agent ?? "",
      scanner: raw?.scanner ?? "",
      language: "en",
      uuid: raw?.uuid ?? "",
      Location: library.rootPaths.map((path) => ({ id: ++locationId, path })),
    };
  });
}

/** An item as a section listing shows it to the owner's token: with the owner's own state. */
export function renderItem(data: PlexData, item: Item, includeGuids: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ratingKey: item.key,
    key: `/library/metadata/${item.key}`,
    guid: item.identity,
    type: item.kind,
    title: item.title,
    librarySectionID: Number(item.libraryId),
  };
  if (item.year !== null) out.year = item.year;
  if (item.kind === "season") setIf(out, "index", item.seasonNumber);
  if (item.kind === "episode" || item.kind === "track") {
    setIf(out, "index", item.episodeNumber);
    setIf(out, "parentIndex", item.seasonNumber);
  }
  if (item.parentKey !== null) out.parentRatingKey = item.parentKey;
  if (item.grandparentKey !== null) out.grandparentRatingKey = item.grandparentKey;
  setIf(out, "duration", item.durationMs);
  if (item.isDeleted) out.deletedAt = 1_700_000_000;
  const state = data.ownerState.get(item.identity);
  if (state) {
    if (state.viewCount > 0) out.viewCount = state.viewCount;
    if (state.viewOffsetMs > 0) out.viewOffset = state.viewOffsetMs;
    setIf(out, "lastViewedAt", state.lastViewedAt);
    setIf(out, "userRating", state.rating);
    if (state.rating !== null) setIf(out, "lastRatedAt", state.lastRatedAt);
  }
  if (includeGuids) out.Guid = (data.guidTags.get(item.key) ?? []).map((id) => ({ id }));
  const versions = data.media.get(item.key) ?? [];
  if (versions.length > 0) {
    out.Media = versions.map((files, v) => ({
      id: Number(item.key) * 100 + v,
      Part: files.map((file, p) => ({ id: Number(item.key) * 1000 + v * 10 + p, file })),
    }));
  }
  return out;
}

export function renderPlaylist(data: PlexData, playlist: Playlist, size: number): Record<string, unknown> {
  const smart = data.smart.get(playlist.key);
  return {
    ratingKey: playlist.key,
    key: `/playlists/${playlist.key}/items`,
    guid: `com.plexapp.agents.none://${playlist.key}`,
    type: "playlist",
    title: playlist.title,
    smart: smart !== undefined,
    playlistType: playlist.mediaKind,
    leafCount: size,
    ...(smart?.uri ? { content: smart.uri } : {}),
  };
}

export function renderCollection(
  data: PlexData,
  collection: Collection,
  size: number,
): Record<string, unknown> {
  const smart = data.smart.has(collection.key);
  return {
    ratingKey: collection.key,
    key: `/library/collections/${collection.key}/children`,
    guid: `collection://${collection.key}`,
    type: "collection",
    title: collection.title,
    subtype: "movie",
    // Older servers send the flag as a string; the reader must accept both.
    smart: smart ? "1" : "0",
    childCount: String(size),
  };
}

/** A playlist's entries (smart ones: the current membership the fixture defines). */
export function playlistEntries(data: PlexData, playlist: Playlist): string[] {
  return data.smart.get(playlist.key)?.members ?? playlist.entries ?? [];
}

export function collectionMembers(data: PlexData, collection: Collection): string[] {
  return data.smart.get(collection.key)?.members ?? collection.memberKeys ?? [];
}

function setIf(out: Record<string, unknown>, key: string, value: number | null): void {
  if (value !== null) out[key] = value;
}
