import type { ExternalIds, Item, Library, LibraryKind } from "../../model/index.js";
import { ITEM_KINDS, LIBRARY_KINDS_BY_NAME } from "../../plex/metadata-types.js";
import { parseExternalIdTag, parseGuid } from "../plex-db/guid.js";
import type { Notes } from "../plex-db/values.js";
import type { WireMetadata, WireSection } from "./schema.js";

/** The metadata types (`type=N`) listed per section kind, parents before children. */
export const LISTED_TYPES: Readonly<Record<LibraryKind, readonly number[]>> = {
  movie: [1],
  show: [2, 3, 4],
  music: [8, 9, 10],
  photo: [],
  other: [1],
};

export function toLibrary(section: WireSection): Library {
  const paths = section.Location.map((location) => location.path).filter((path) => path !== "");
  return {
    id: section.key,
    name: section.title === "" ? `library-${section.key}` : section.title,
    kind: LIBRARY_KINDS_BY_NAME[section.type] ?? "other",
    rootPaths: paths,
  };
}

/**
 * One listed item in the model, or null when it cannot carry state (no guid) or is not what
 * was asked for. Ids: `Guid[]` (new agents, `includeGuids=1`) win; a legacy guid's ids fill
 * in providers they lack, exactly as the database reader does with tag_type 314 tags.
 */
export function toItem(wire: WireMetadata, libraryId: string, type: number, notes: Notes): Item | null {
  const kind = ITEM_KINDS[type];
  if (kind === undefined || wire.type !== kind) {
    notes.add(
      "api-unexpected-type",
      (n) => `${n} listed item(s) were not of the type asked for and were left out`,
    );
    return null;
  }
  if (wire.guid === undefined || wire.guid === "") {
    notes.add(
      "item-without-guid",
      (n) => `${n} item(s) have no guid, so no state can attach to them; left out`,
    );
    return null;
  }
  const parsed = parseGuid(wire.guid);
  if (parsed.problem) {
    notes.add(
      "unreadable-guid",
      (n) => `${n} legacy agent guid(s) could not be read; those items match by path or title only`,
    );
  }
  const tagIds: ExternalIds = {};
  for (const { id } of wire.Guid) {
    const tag = parseExternalIdTag(id);
    if (tag && !(tag.provider in tagIds)) tagIds[tag.provider] = tag.value;
  }
  const files: string[] = [];
  for (const media of wire.Media) {
    for (const part of media.Part) {
      if (part.file && !files.includes(part.file)) files.push(part.file);
    }
  }
  const index = whole(wire.index);
  const parentIndex = whole(wire.parentIndex);
  let seasonNumber: number | null = null;
  let episodeNumber: number | null = null;
  if (kind === "season") seasonNumber = index;
  if (kind === "episode") {
    episodeNumber = index ?? parsed.episode;
    seasonNumber = parentIndex ?? parsed.season;
  }
  if (kind === "track") {
    // A track's parentIndex is its disc number, as absolute_index is in the database.
    episodeNumber = index;
    seasonNumber = parentIndex;
  }
  const hasParent = kind !== "movie" && kind !== "show" && kind !== "artist";
  const hasGrandparent = kind === "episode" || kind === "track";
  return {
    key: wire.ratingKey,
    identity: wire.guid,
    kind,
    libraryId,
    title: wire.title,
    year: wire.year === undefined ? null : Math.trunc(wire.year),
    externalIds: { ...parsed.ids, ...tagIds },
    showExternalIds: parsed.showIds,
    filePaths: files,
    parentKey: hasParent ? (wire.parentRatingKey ?? null) : null,
    grandparentKey: hasGrandparent ? (wire.grandparentRatingKey ?? null) : null,
    seasonNumber,
    episodeNumber,
    durationMs: whole(wire.duration),
    isDeleted: wire.deletedAt !== undefined && wire.deletedAt > 0,
  };
}

/** A count or index; Plex writes -1 for "none". */
function whole(value: number | undefined): number | null {
  if (value === undefined || !Number.isFinite(value) || value < 0) return null;
  return Math.trunc(value);
}
