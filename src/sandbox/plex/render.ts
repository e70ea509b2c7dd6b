import { SECTION_TYPE_NAME } from "../../plex/metadata-types.js";
import {
  collectionGuid,
  metadataTypeOf,
  playlistGuid,
  type ScenarioCollection,
  type ScenarioItem,
  type ScenarioPlaylist,
  sectionUuid,
} from "../../sample/scenario.js";
import { type PlexData, seconds } from "./data.js";

/** Plex JSON shapes (reference §10) built from the scenario. */

export function renderSections(data: PlexData): Record<string, unknown>[] {
  let locationId = 0;
  return [...data.scenario.sections]
    .sort((a, b) => a.id - b.id)
    .map((section) => ({
      key: String(section.id),
      type: SECTION_TYPE_NAME[section.kind],
      title: section.name,
      agent: section.agent,
      scanner: section.scanner,
      language: "en",
      uuid: sectionUuid(section),
      Location: section.locations.map((path) => ({ id: ++locationId, path })),
    }));
}

/** An item as a section listing shows it to the owner's token: with the owner's own state. */
export function renderItem(
  data: PlexData,
  item: ScenarioItem,
  includeGuids: boolean,
): Record<string, unknown> {
  const parent = item.parentId === undefined ? undefined : data.items.get(item.parentId);
  const grandparent = parent?.parentId === undefined ? undefined : data.items.get(parent.parentId);
  const out: Record<string, unknown> = {
    ratingKey: String(item.id),
    key: `/library/metadata/${item.id}`,
    guid: item.guid,
    type: item.kind,
    title: item.title,
    librarySectionID: item.sectionId,
  };
  if (item.year !== undefined) out.year = item.year;
  setIf(out, "index", item.index);
  // An episode's season number is its season's index; a track's disc number is its own.
  if (item.kind === "episode") setIf(out, "parentIndex", parent?.index);
  if (item.kind === "track") setIf(out, "parentIndex", item.absoluteIndex);
  if (parent) out.parentRatingKey = String(parent.id);
  if (grandparent && (item.kind === "episode" || item.kind === "track")) {
    out.grandparentRatingKey = String(grandparent.id);
  }
  setIf(out, "duration", item.durationMs);
  setIf(out, "deletedAt", seconds(item.deletedAt) ?? undefined);
  const state = data.ownerState.get(item.guid);
  if (state) {
    if (state.viewCount > 0) out.viewCount = state.viewCount;
    if (state.viewOffsetMs > 0) out.viewOffset = state.viewOffsetMs;
    setIf(out, "lastViewedAt", state.lastViewedAt ?? undefined);
    setIf(out, "userRating", state.rating ?? undefined);
    if (state.rating !== null) setIf(out, "lastRatedAt", state.lastRatedAt ?? undefined);
  }
  if (includeGuids) out.Guid = (item.externalIds ?? []).map((id) => ({ id }));
  const versions = item.media ?? [];
  if (versions.length > 0) {
    out.Media = versions.map((media, v) => ({
      id: item.id * 100 + v,
      Part: media.parts.map((part, p) => ({ id: item.id * 1000 + v * 10 + p, file: part.file })),
    }));
  }
  return out;
}

export function isSmart(list: ScenarioPlaylist | ScenarioCollection): boolean {
  return list.smartMembers !== undefined || ("smartUri" in list && list.smartUri !== undefined);
}

export function renderPlaylist(data: PlexData, playlist: ScenarioPlaylist): Record<string, unknown> {
  const entries = playlistEntries(data, playlist);
  const audio = entries.length > 0 && entries.every((item) => item.kind === "track");
  return {
    ratingKey: String(playlist.id),
    key: `/playlists/${playlist.id}/items`,
    guid: playlistGuid(playlist),
    type: "playlist",
    title: playlist.title,
    smart: isSmart(playlist),
    playlistType: audio ? "audio" : "video",
    leafCount: entries.length,
    ...(playlist.smartUri ? { content: playlist.smartUri } : {}),
  };
}

export function renderCollection(data: PlexData, collection: ScenarioCollection): Record<string, unknown> {
  return {
    ratingKey: String(collection.id),
    key: `/library/collections/${collection.id}/children`,
    guid: collectionGuid(collection),
    type: "collection",
    title: collection.title,
    subtype: "movie",
    // Older servers send the flag as a string; the reader must accept both.
    smart: isSmart(collection) ? "1" : "0",
    childCount: String(collectionMembers(data, collection).length),
  };
}

/** A playlist's entries, in order (smart ones: the current membership the scenario gives). */
export function playlistEntries(data: PlexData, playlist: ScenarioPlaylist): ScenarioItem[] {
  return listed(data, playlist.smartMembers ?? playlist.entries);
}

export function collectionMembers(data: PlexData, collection: ScenarioCollection): ScenarioItem[] {
  return listed(data, collection.smartMembers ?? collection.memberIds);
}

/** Lists show only members that are items of a section. */
function listed(data: PlexData, ids: readonly number[]): ScenarioItem[] {
  return ids.flatMap((id) => data.items.get(id) ?? []);
}

function setIf(out: Record<string, unknown>, key: string, value: number | undefined): void {
  if (value !== undefined) out[key] = value;
}

/** Which items a `type=` filter keeps; none given keeps all. */
export function ofType(type: number | undefined): (item: ScenarioItem) => boolean {
  return (item) => type === undefined || metadataTypeOf(item.kind) === type;
}
