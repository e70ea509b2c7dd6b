import type { Item, Library, TargetItem, TargetLibrary } from "../../src/model/index.js";

/** Small builders for matcher tests: only what a test states differs from a plain item. */

export function item(key: string, fields: Partial<Item> = {}): Item {
  return {
    key,
    identity: `plex://${key}`,
    kind: "movie",
    libraryId: "1",
    title: `Title ${key}`,
    year: null,
    externalIds: {},
    showExternalIds: {},
    filePaths: [],
    parentKey: null,
    grandparentKey: null,
    seasonNumber: null,
    episodeNumber: null,
    durationMs: null,
    isDeleted: false,
    ...fields,
  };
}

export function target(id: string, fields: Partial<TargetItem> = {}): TargetItem {
  return {
    id,
    kind: "movie",
    libraryId: "m",
    title: `Target ${id}`,
    year: null,
    externalIds: {},
    paths: [],
    showId: null,
    parentId: null,
    seasonNumber: null,
    episodeNumber: null,
    episodeNumberEnd: null,
    ...fields,
  };
}

export const PLEX_LIBRARIES: Library[] = [
  { id: "1", name: "Movies", kind: "movie", rootPaths: ["/data/movies"] },
  { id: "2", name: "TV Shows", kind: "show", rootPaths: ["/data/tv"] },
  { id: "3", name: "Music", kind: "music", rootPaths: ["/data/music"] },
];

export const TARGET_LIBRARIES: TargetLibrary[] = [
  { id: "m", name: "Films", kind: "movie", rootPaths: ["/media/movies"] },
  { id: "m2", name: "Films 4K", kind: "movie", rootPaths: ["/media/4k"] },
  { id: "t", name: "Series", kind: "show", rootPaths: ["/media/tv"] },
  { id: "a", name: "Music", kind: "music", rootPaths: ["/media/music"] },
];
