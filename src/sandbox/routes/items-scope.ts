import { jellyfinAtLeast, type RouteContext } from "../personality.js";
import type { StoredItem } from "../store.js";
import { parseId } from "./common.js";

/**
 * Where a GET /Items query looks before its filters apply: a folder or the user's root, with or
 * without recursion, for which types. The rules are the server's and differ by version
 * (target-apis §4.2, §12.5).
 */
export interface ItemScope {
  /** null: the user's root (its library views, or everything when recursive). */
  parent: StoredItem | null;
  /** A `parentId` that names no item: nothing matches. */
  unknownParent: boolean;
  recursive: boolean;
  /** Lowercased `includeItemTypes`, or null for every type. */
  includeTypes: Set<string> | null;
  /** Jellyfin 12: listed BoxSets/Playlists must hold an item below this folder. */
  containing: StoredItem | null;
}

/**
 * Query parameters that count as filters for Jellyfin 12's root folder (InternalItemsQuery
 * .HasFilters), limited to those the sandbox applies. UNCERTAIN: master@08-22 triggers on any
 * filter, the 12.0 release note speaks only of `includeItemTypes` (target-apis §12.5).
 */
const ROOT_FILTERS = [
  "excludeItemTypes",
  "isPlayed",
  "isFavorite",
  "mediaTypes",
  "nameStartsWith",
  "hasImdbId",
  "hasTmdbId",
  "hasTvdbId",
  "ids",
];

const isLibrary = (item: StoredItem | null) => item?.type === "CollectionFolder";

export function itemScope(context: RouteContext, includeTypes: Set<string> | null): ItemScope {
  const { query, store, personality: p } = context;
  const parentId = query.get("parentId");
  const found = parentId ? store.items.get(parseId(context, "parentId", parentId)) : undefined;
  const scope: ItemScope = {
    parent: found ?? null,
    unknownParent: Boolean(parentId) && found === undefined,
    recursive: query.bool("recursive") === true,
    includeTypes,
    containing: null,
  };
  if (p.kind === "emby") return scope;
  const only = includeTypes?.size === 1 ? [...includeTypes][0] : undefined;
  if (!jellyfinAtLeast(p, "12.0")) {
    // ItemsController drops parentId when only BoxSets are asked for: all collections.
    if (only === "boxset") Object.assign(scope, { parent: null, unknownParent: false });
    return scope;
  }
  let recursive = query.bool("recursive");
  const parent = scope.parent;
  if (
    (only === "boxset" || only === "playlist") &&
    parent?.type !== "BoxSet" &&
    parent?.type !== "Playlist"
  ) {
    // Rule 3: re-rooted at the user root; a library other than the boxsets/playlists one keeps
    // only the containers holding something of it (LinkedChildAncestorIds).
    const target = only === "boxset" ? "boxsets" : "playlists";
    if (parent && parent.collectionType !== target) scope.containing = parent;
    scope.parent = null;
    scope.unknownParent = false;
  } else if (isLibrary(parent) && parent?.collectionType === "boxsets" && includeTypes === null) {
    // Rule 4: a collections library lists its BoxSets, recursively.
    scope.includeTypes = new Set(["boxset"]);
    recursive = true;
  } else if (isLibrary(parent) && includeTypes !== null) {
    // Rule 1: a library with types recurses unless told not to.
    recursive ??= true;
  }
  // Rule 2: the root recurses whenever a filter is given, even with recursive=false.
  const filtered = ROOT_FILTERS.some((name) => (query.get(name) ?? "") !== "");
  if (scope.parent === null && (scope.includeTypes !== null || filtered)) {
    recursive = true;
  }
  scope.recursive = recursive === true;
  return scope;
}

/** Whether `item` sits below `folder` (in its library, or under it in the tree). */
export function isBelow(context: RouteContext, item: StoredItem, folder: StoredItem): boolean {
  if (folder.type === "CollectionFolder") return item.libraryId === folder.id;
  for (let id = item.parentId; id !== null; ) {
    if (id === folder.id) return true;
    id = context.store.items.get(id)?.parentId ?? null;
  }
  return false;
}

/** Whether a BoxSet or Playlist holds an item below `folder`. */
export function holdsItemBelow(context: RouteContext, container: StoredItem, folder: StoredItem): boolean {
  const ids = container.memberIds ?? container.playlist?.entries.map((entry) => entry.itemId) ?? [];
  return ids.some((id) => {
    const member = context.store.items.get(id);
    return member !== undefined && isBelow(context, member, folder);
  });
}
