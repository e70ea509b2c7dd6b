import type { ItemKind, LibraryKind } from "../model/index.js";

/**
 * Plex's own numbering of what a row or a listed entry is. The database (`metadata_type`,
 * `section_type`) and the API (`type=` of a section listing) use the same numbers, so the
 * readers, the sample writer and the sandbox's Plex personality all take them from here.
 */

/** `metadata_type` of the kinds that are library items. */
export const METADATA_TYPE = {
  movie: 1,
  show: 2,
  season: 3,
  episode: 4,
  artist: 8,
  album: 9,
  track: 10,
} as const satisfies Readonly<Record<ItemKind, number>>;

/** Extras (trailers, featurettes): rows in metadata_items, never items of a library. */
export const CLIP_TYPE = 12;
export const PLAYLIST_TYPE = 15;
export const COLLECTION_TYPE = 18;

/** `metadata_type` → item kind; numbers that are not library items are absent. */
export const ITEM_KINDS: Readonly<Record<number, ItemKind>> = invert(METADATA_TYPE);

/** `section_type` of each kind of library section. */
export const SECTION_TYPE = {
  movie: 1,
  show: 2,
  music: 8,
  photo: 13,
} as const satisfies Readonly<Record<Exclude<LibraryKind, "other">, number>>;

/** `section_type` → library kind; any other number is an "other" library. */
export const LIBRARY_KINDS: Readonly<Record<number, LibraryKind>> = invert(SECTION_TYPE);

/** A section's `type` as the API names it: music sections are "artist" sections. */
export const SECTION_TYPE_NAME = {
  movie: "movie",
  show: "show",
  music: "artist",
  photo: "photo",
} as const satisfies Readonly<Record<Exclude<LibraryKind, "other">, string>>;

/** The API's section `type` → library kind; anything else is "other". */
export const LIBRARY_KINDS_BY_NAME: Readonly<Record<string, LibraryKind>> = invert(SECTION_TYPE_NAME);

function invert<K extends string, V extends string | number>(table: Readonly<Record<K, V>>): Record<V, K> {
  return Object.fromEntries(Object.entries(table).map(([key, value]) => [value, key])) as Record<V, K>;
}
