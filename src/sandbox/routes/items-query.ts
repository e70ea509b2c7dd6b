import { type DtoOptions, itemDto } from "../dto.js";
import { unauthorized } from "../http-error.js";
import { jellyfinAtLeast, type RouteContext } from "../personality.js";
import type { StoredItem, StoredUser } from "../store.js";
import { parseId } from "./common.js";
import { holdsItemBelow, type ItemScope, itemScope } from "./items-scope.js";

/**
 * The item query engine behind /Items, /Users/{id}/Items and /Shows/{id}/Episodes: candidate
 * lists come from the store's indexes (id, parent, library, type, provider id, path), filters
 * narrow them, then one page is rendered.
 */

/** Libraries a user may see (policy EnableAllFolders / EnabledFolders); null = all. */
export function visibleLibraries(user: StoredUser | null): Set<string> | null {
  if (user === null) return null;
  if (user.policyExtra.EnableAllFolders !== false) return null;
  const enabled = user.policyExtra.EnabledFolders;
  return new Set(
    Array.isArray(enabled) ? enabled.map((id) => String(id).replaceAll("-", "").toLowerCase()) : [],
  );
}

/** Whether a user may see a playlist (§6.2, MediaBrowser/Emby#3720). */
export function playlistVisible(context: RouteContext, item: StoredItem, user: StoredUser | null): boolean {
  const state = item.playlist;
  if (!state || user === null) return true;
  const p = context.personality;
  if (p.kind === "emby") return !p.atLeast("4.8") || state.ownerId === user.id || state.isPublic;
  if (!p.atLeast("10.9")) return state.shares.some((share) => share.userId === user.id);
  return (
    state.isPublic || state.ownerId === user.id || state.shares.some((share) => share.userId === user.id)
  );
}

function byOrdinal(lists: StoredItem[][]): StoredItem[] {
  if (lists.length === 1) return lists[0]!;
  return lists.flat().sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0));
}

/** Merged, ordered type lists per store version: paging through Movie,Episode stays O(page). */
const unions = new WeakMap<RouteContext["store"], Map<string, { version: number; items: StoredItem[] }>>();

function typeUnion(store: RouteContext["store"], types: string[]): StoredItem[] {
  let cache = unions.get(store);
  if (!cache) {
    cache = new Map();
    unions.set(store, cache);
  }
  const key = [...types].sort().join(",");
  const hit = cache.get(key);
  if (hit && hit.version === store.version) return hit.items;
  const lists = types.map((type) => store.byType.get(type) ?? []).filter((list) => list.length > 0);
  const items = lists.length === 0 ? [] : byOrdinal(lists);
  cache.set(key, { version: store.version, items });
  return items;
}

/** BoxSets live in a collections library when the library file declares one. */
const isCollectionsLibrary = (item: StoredItem) =>
  item.type === "CollectionFolder" && item.collectionType === "boxsets";

function descendants(context: RouteContext, parent: StoredItem): StoredItem[] {
  const store = context.store;
  if (isCollectionsLibrary(parent)) return store.byType.get("BoxSet") ?? [];
  if (parent.type === "CollectionFolder") {
    const own = (store.byLibrary.get(parent.id) ?? []).filter((i) => i !== parent);
    if (!jellyfinAtLeast(context.personality, "12.0")) return own;
    // Observed on 12.0.0: every music artist is listed below every library.
    const artists = (store.byType.get("MusicArtist") ?? []).filter((artist) => !own.includes(artist));
    return artists.length === 0 ? own : byOrdinal([own, artists]);
  }
  if (parent.type === "BoxSet") return directChildren(context, parent);
  if (parent.type === "Playlist") return directChildren(context, parent);
  const out: StoredItem[] = [];
  const walk = (item: StoredItem) => {
    for (const child of store.children.get(item.id) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(parent);
  return out;
}

function directChildren(context: RouteContext, parent: StoredItem): StoredItem[] {
  const store = context.store;
  if (isCollectionsLibrary(parent)) return store.byType.get("BoxSet") ?? [];
  const ids = parent.memberIds ?? parent.playlist?.entries.map((entry) => entry.itemId);
  if (ids) return ids.map((id) => store.items.get(id)).filter((item) => item !== undefined);
  return store.children.get(parent.id) ?? [];
}

export interface QueryInput {
  user: StoredUser | null;
  /** Restricts candidates to the episodes of a series (Shows/{id}/Episodes). */
  within?: StoredItem[];
}

function typesFilter(context: RouteContext, name: string): Set<string> | null {
  const values = context.query.list(name);
  return values.length > 0 ? new Set(values.map((value) => value.toLowerCase())) : null;
}

function candidates(context: RouteContext, input: QueryInput, scope: ItemScope): StoredItem[] {
  const { store, query, personality: p } = context;
  if (input.within) return input.within;
  const ids = query.list("ids");
  if (ids.length > 0) {
    return ids.map((id) => store.items.get(parseId(context, "ids", id))).filter((item) => item !== undefined);
  }
  if (p.kind === "emby") {
    const providers = query.list("AnyProviderIdEquals");
    if (providers.length > 0) {
      const found = new Set<StoredItem>();
      for (const pair of providers)
        for (const item of store.byProvider.get(pair.toLowerCase()) ?? []) found.add(item);
      return byOrdinal([[...found]]);
    }
    const path = query.get("Path");
    if (path) return store.byPath.get(path) ?? [];
  }
  if (scope.unknownParent) return [];
  const parent = scope.parent;
  if (parent) {
    const allowed = visibleLibraries(input.user);
    const library = parent.libraryId ? store.items.get(parent.libraryId) : undefined;
    if (allowed && library && !allowed.has(library.id) && context.caller && !context.caller.isApiKey) {
      // JF ItemsController.GetItems: a user asking into a library they may not see.
      throw unauthorized(`${input.user!.name} is not permitted to access Library ${library.name}.`);
    }
    // Observed on 12.0.0: without a user, a BoxSet lists its members only recursively.
    if (parent.type === "BoxSet" && !scope.recursive && input.user === null && jellyfinAtLeast(p, "12.0"))
      return [];
    return scope.recursive ? descendants(context, parent) : directChildren(context, parent);
  }
  if (!scope.recursive) return store.libraries;
  if (scope.includeTypes)
    return typeUnion(
      store,
      [...scope.includeTypes].map((type) => canonicalType(store, type)),
    );
  return store.ordered.filter((item) => item.type !== "CollectionFolder");
}

function canonicalType(store: RouteContext["store"], lowered: string): string {
  for (const type of store.byType.keys()) if (type.toLowerCase() === lowered) return type;
  return lowered;
}

export function runItemQuery(context: RouteContext, input: QueryInput) {
  const { query, store, personality: p } = context;
  const scope = itemScope(context, typesFilter(context, "includeItemTypes"));
  const includeTypes = scope.includeTypes;
  const containing = scope.containing;
  const excludeTypes = typesFilter(context, "excludeItemTypes");
  const user = input.user;
  const isPlayed = query.bool("isPlayed");
  const isFavorite = query.bool("isFavorite");
  const parentIndex = query.int("parentIndexNumber");
  const index = p.kind === "jellyfin" ? query.int("indexNumber") : undefined;
  const minIndex = p.kind === "emby" ? query.int("MinIndexNumber") : undefined;
  const isFolder = query.bool("isFolder");
  const nameStarts = query.get("nameStartsWith")?.toLowerCase();
  const search = query.get("searchTerm")?.toLowerCase();
  const has = (provider: string) => query.bool(`has${provider}Id`);
  const mediaTypes = typesFilter(context, "mediaTypes");

  const allowed = visibleLibraries(user);
  const matches = (item: StoredItem): boolean => {
    if (allowed && item.libraryId !== null && !allowed.has(item.libraryId)) return false;
    const type = item.type.toLowerCase();
    if (includeTypes && !includeTypes.has(type)) return false;
    if (excludeTypes?.has(type)) return false;
    if (item.type === "Playlist" && !playlistVisible(context, item, user)) return false;
    if (containing && !holdsItemBelow(context, item, containing)) return false;
    if (parentIndex !== undefined && item.parentIndexNumber !== parentIndex) return false;
    if (index !== undefined && item.indexNumber !== index) return false;
    if (minIndex !== undefined && (item.indexNumber ?? -1) < minIndex) return false;
    if (isFolder !== undefined && item.isFolder !== isFolder) return false;
    if (mediaTypes && !mediaTypes.has(item.mediaType.toLowerCase())) return false;
    if (nameStarts && !item.name.toLowerCase().startsWith(nameStarts)) return false;
    if (search && !item.name.toLowerCase().includes(search)) return false;
    for (const provider of ["Imdb", "Tmdb", "Tvdb"]) {
      const wanted = has(provider);
      if (wanted === undefined) continue;
      const present = Object.keys(item.providerIds).some(
        (key) => key.toLowerCase() === provider.toLowerCase(),
      );
      if (present !== wanted) return false;
    }
    if (user && (isPlayed !== undefined || isFavorite !== undefined)) {
      const data = store.getData(user.id, item);
      if (isPlayed !== undefined && data.played !== isPlayed) return false;
      if (isFavorite !== undefined && data.isFavorite !== isFavorite) return false;
    }
    return true;
  };

  const all = candidates(context, input, scope);
  const fromTypeIndex =
    !input.within &&
    query.list("ids").length === 0 &&
    scope.parent === null &&
    !scope.unknownParent &&
    scope.recursive &&
    containing === null &&
    (p.kind === "jellyfin" || (query.list("AnyProviderIdEquals").length === 0 && !query.get("Path")));
  const trivial =
    fromTypeIndex &&
    allowed === null &&
    includeTypes !== null &&
    !includeTypes.has("playlist") &&
    !excludeTypes &&
    [isPlayed, isFavorite, parentIndex, index, minIndex, isFolder, nameStarts, search, mediaTypes].every(
      (v) => v === undefined || v === null,
    ) &&
    ["Imdb", "Tmdb", "Tvdb"].every((provider) => has(provider) === undefined);
  const kept = trivial ? all : all.filter(matches);
  const filtered = collapsesBoxSets(context, input, scope) ? collapseBoxSets(store, kept) : kept;
  const startIndex = Math.max(0, query.int("startIndex") ?? 0);
  const limit = query.int("limit");
  const page = filtered.slice(startIndex, limit === undefined ? undefined : startIndex + Math.max(0, limit));
  const options = dtoOptions(context, user);
  const result: Record<string, unknown> = {
    Items: page.map((item) => itemDto(p, store, item, options)),
    TotalRecordCount: filtered.length,
  };
  if (p.kind === "jellyfin") result.StartIndex = startIndex;
  return result;
}

/** Filters that keep Jellyfin from folding box-set members (Folder.AllowBoxSetCollapsing). */
const NO_COLLAPSE = ["isPlayed", "isFavorite", "isFolder", "hasImdbId", "hasTmdbId", "ids"];

/**
 * Jellyfin 12 (observed on 12.0.0; Folder.CollapseBoxSetItems) shows a BoxSet in place of its
 * members in a recursive listing when asked to, or, without a user, unless told not to with
 * `collapseBoxSetItems=false` — whatever the item types asked for, as long as they include
 * movies or series.
 */
function collapsesBoxSets(context: RouteContext, input: QueryInput, scope: ItemScope): boolean {
  const { query } = context;
  if (!jellyfinAtLeast(context.personality, "12.0") || !scope.recursive || input.within) return false;
  const parentType = scope.parent?.type;
  if (parentType && ["BoxSet", "Season", "MusicAlbum", "MusicArtist"].includes(parentType)) return false;
  if (NO_COLLAPSE.some((name) => (query.get(name) ?? "") !== "")) return false;
  const asked = query.bool("collapseBoxSetItems");
  if (asked !== undefined) return asked;
  const types = scope.includeTypes;
  return input.user === null && (types === null || types.has("movie") || types.has("series"));
}

/** Members of a BoxSet give way to the BoxSet, listed once where its first member was. */
function collapseBoxSets(store: RouteContext["store"], items: StoredItem[]): StoredItem[] {
  const setOf = new Map<string, StoredItem>();
  for (const set of store.byType.get("BoxSet") ?? [])
    for (const id of set.memberIds ?? []) if (!setOf.has(id)) setOf.set(id, set);
  if (setOf.size === 0) return items;
  const out: StoredItem[] = [];
  const shown = new Set<StoredItem>();
  for (const item of items) {
    const shownAs = setOf.get(item.id) ?? item;
    if (!shown.has(shownAs)) {
      shown.add(shownAs);
      out.push(shownAs);
    }
  }
  return out;
}

export function dtoOptions(context: RouteContext, user: StoredUser | null): DtoOptions {
  return {
    userId: user?.id ?? null,
    fields: new Set(context.query.list("fields").map((field) => field.toLowerCase())),
    enableUserData: context.query.bool("enableUserData") !== false,
  };
}
