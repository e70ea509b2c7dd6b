import { ConfigError } from "../errors.js";
import { EMPTY_GUID, type IdFactory } from "./ids.js";
import type { ParsedSandboxLibrary, SandboxItemInput, SandboxUserDataInput } from "./library.js";
import {
  emptyUserData,
  formatDate,
  type MediaSource,
  mediaSourcesOf,
  newItem,
  type PlaylistEntry,
  type PlaylistRules,
  type PlaylistState,
  type StoredItem,
  type StoredUser,
  type UserData,
} from "./model.js";

export {
  emptyUserData,
  formatDate,
  type MediaSource,
  mediaSourcesOf,
  newItem,
  type PlaylistEntry,
  type PlaylistRules,
  type PlaylistState,
  type StoredItem,
  type StoredUser,
  type UserData,
};

/** The sandbox's in-memory world, shared by every personality (Jellyfin, Emby, later Plex). */

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export class Store {
  readonly items = new Map<string, StoredItem>();
  readonly children = new Map<string, StoredItem[]>();
  readonly byType = new Map<string, StoredItem[]>();
  readonly byLibrary = new Map<string, StoredItem[]>();
  private providerIndex: Map<string, StoredItem[]> | undefined;
  private pathIndex: Map<string, StoredItem[]> | undefined;
  readonly byRef = new Map<string, StoredItem>();
  readonly libraries: StoredItem[] = [];
  /** All items in library order (the default order of listings). */
  readonly ordered: StoredItem[] = [];
  readonly users: StoredUser[] = [];
  /** userId → user-data key → data. The key is chosen by the personality (see dataKey). */
  readonly userData = new Map<string, Map<string, UserData>>();
  readonly tokens = new Map<string, { userId: string; deviceId: string }>();
  readonly serverId: string;
  readonly serverName: string;

  constructor(
    readonly ids: IdFactory,
    library: ParsedSandboxLibrary,
    /** Where a user's data for an item is stored: shared keys make items share state. */
    readonly dataKey: (item: StoredItem, store: Store) => string,
    private readonly playlistRules: PlaylistRules,
  ) {
    this.serverName = library.serverName;
    this.serverId = ids.serverId(library.serverName);
    reserveIds(ids, library);
    for (const user of library.users) {
      this.addUser(user.name, user.password ?? "", user.admin, user.disabled, user.id);
    }
    library.libraries.forEach((lib, l) => {
      const folderId = lib.id ?? ids.itemId(`library|${lib.name}`);
      const folder = newItem(folderId, "CollectionFolder", lib.name, null, folderId, true);
      folder.collectionType = lib.collectionType;
      folder.locations = [...lib.paths];
      folder.path = lib.paths[0];
      this.addItem(folder);
      folder.libraryId = folder.id;
      this.libraries.push(folder);
      lib.items.forEach((input, i) => {
        this.addTree(input, folder, `lib${l}/${i}`, {});
      });
    });
    for (const other of library.otherItems) {
      // In no library the file lists: found by id (playlists, collections), never in a listing.
      const id = other.id ?? ids.itemId(`ref|${other.ref}`);
      const item = newItem(id, other.type, OUTSIDE_NAME, null, null, CONTAINER_TYPES.has(other.type));
      item.mediaType = item.isFolder ? "Unknown" : other.type === "Audio" ? "Audio" : "Video";
      item.ref = other.ref;
      this.addItem(item);
    }
    for (const playlist of library.playlists) {
      const owner = this.userByName(playlist.owner)!;
      const itemIds = playlist.entries.map((ref) => this.byRef.get(ref)!.id);
      this.createPlaylist(playlist.name, owner.id, itemIds, playlist.public, undefined, playlist.id);
    }
    for (const collection of library.collections) {
      this.createCollection(
        collection.name,
        collection.members.map((ref) => this.byRef.get(ref)!.id),
        collection.id,
      );
    }
  }

  private addTree(input: SandboxItemInput, parent: StoredItem, key: string, context: TreeContext): void {
    const type = input.type;
    const isFolder = CONTAINER_TYPES.has(type) || (input.children?.length ?? 0) > 0;
    const id = input.id ?? this.ids.itemId(input.ref !== undefined ? `ref|${input.ref}` : key);
    const item = newItem(id, type, input.name, parent.id, parent.libraryId, isFolder);
    item.mediaType = isFolder ? "Unknown" : type === "Audio" ? "Audio" : "Video";
    // The parsed library is the store's own copy, so its objects are adopted, not copied.
    if (input.providerIds) item.providerIds = input.providerIds;
    const sources = input.mediaSources;
    if (sources) {
      for (let index = 0; index < sources.length; index++) {
        const source = sources[index]!;
        const sourceId = index === 0 ? id : this.ids.itemId(`${key}|source|${index}`);
        item.mediaSources.push({ id: sourceId, path: source.path, name: source.name });
      }
    }
    item.ref = input.ref;
    item.year = input.year;
    item.path = input.path ?? sources?.[0]?.path;
    item.indexNumber = input.indexNumber;
    item.indexNumberEnd = input.indexNumberEnd;
    item.runTimeTicks = input.runTimeTicks;
    item.seriesId = context.seriesId;
    item.seriesName = context.seriesName;
    item.seasonId = context.seasonId;
    item.seasonName = context.seasonName;
    item.albumId = context.albumId;
    item.albumName = context.albumName;
    item.artistId = context.artistId;
    item.artistName = context.artistName;
    if (type === "Episode") item.parentIndexNumber = input.parentIndexNumber ?? context.seasonNumber;
    // A track's disc number, as the servers report it.
    if (type === "Audio") item.parentIndexNumber = input.parentIndexNumber;
    this.addItem(item);
    if (input.userData) {
      for (const [userName, data] of Object.entries(input.userData)) {
        this.setData(this.userByName(userName)!.id, item, fromInput(data));
      }
    }
    const children = input.children;
    if (!children || children.length === 0) return;
    const next: TreeContext = { ...context };
    if (type === "Series") Object.assign(next, { seriesId: id, seriesName: input.name });
    if (type === "Season")
      Object.assign(next, { seasonId: id, seasonName: input.name, seasonNumber: input.indexNumber });
    if (type === "MusicArtist") Object.assign(next, { artistId: id, artistName: input.name });
    if (type === "MusicAlbum") Object.assign(next, { albumId: id, albumName: input.name });
    for (let index = 0; index < children.length; index++) {
      this.addTree(children[index]!, item, `${key}/${index}`, next);
    }
  }

  private nextOrdinal = 0;
  /** Bumped on every add/remove, so cached listings know they are stale. */
  version = 0;

  addItem(item: StoredItem): StoredItem {
    this.version++;
    item.ordinal = this.nextOrdinal++;
    this.items.set(item.id, item);
    this.ordered.push(item);
    if (item.parentId) push(this.children, item.parentId, item);
    push(this.byType, item.type, item);
    if (item.libraryId) push(this.byLibrary, item.libraryId, item);
    if (this.providerIndex) indexProviders(this.providerIndex, item);
    if (this.pathIndex) indexPaths(this.pathIndex, item);
    if (item.ref !== undefined) this.byRef.set(item.ref, item);
    return item;
  }

  /**
   * "imdb.tt0111161" (lowercase) → items. Built on first use (only Emby's AnyProviderIdEquals
   * needs it), then kept up to date, so start-up stays fast on big libraries.
   */
  get byProvider(): Map<string, StoredItem[]> {
    if (!this.providerIndex) {
      this.providerIndex = new Map();
      for (const item of this.ordered) indexProviders(this.providerIndex, item);
    }
    return this.providerIndex;
  }

  /** Item path and every media-source path → items; built on first use like byProvider. */
  get byPath(): Map<string, StoredItem[]> {
    if (!this.pathIndex) {
      this.pathIndex = new Map();
      for (const item of this.ordered) indexPaths(this.pathIndex, item);
    }
    return this.pathIndex;
  }

  removeItem(item: StoredItem): void {
    this.version++;
    this.items.delete(item.id);
    const drop = <K>(map: Map<K, StoredItem[]>, key: K) => {
      const list = map.get(key);
      if (list)
        map.set(
          key,
          list.filter((other) => other !== item),
        );
    };
    const index = this.ordered.indexOf(item);
    if (index >= 0) this.ordered.splice(index, 1);
    if (item.parentId) drop(this.children, item.parentId);
    drop(this.byType, item.type);
    if (item.libraryId) drop(this.byLibrary, item.libraryId);
    if (item.ref) this.byRef.delete(item.ref);
  }

  addUser(name: string, password: string, isAdmin: boolean, isDisabled = false, id?: string): StoredUser {
    const user: StoredUser = {
      id: id ?? this.ids.userId(name),
      name,
      password,
      isAdmin,
      isDisabled,
      isHidden: false,
      policyExtra: {},
    };
    this.users.push(user);
    return user;
  }

  deleteUser(user: StoredUser): void {
    this.users.splice(this.users.indexOf(user), 1);
    this.userData.delete(user.id);
    for (const [token, session] of this.tokens) if (session.userId === user.id) this.tokens.delete(token);
  }

  userByName(name: string): StoredUser | undefined {
    const key = name.toLowerCase();
    return this.users.find((user) => user.name.toLowerCase() === key);
  }

  userById(id: string): StoredUser | undefined {
    return this.users.find((user) => user.id === id);
  }

  getData(userId: string, item: StoredItem): UserData {
    return this.userData.get(userId)?.get(this.dataKey(item, this)) ?? emptyUserData();
  }

  /** Every playable item under a folder, or the members of a box set (and what is under them). */
  leavesUnder(folder: StoredItem): StoredItem[] {
    const out: StoredItem[] = [];
    const walk = (item: StoredItem) => {
      if (!item.isFolder) out.push(item);
      else for (const child of this.children.get(item.id) ?? []) walk(child);
    };
    if (folder.type === "BoxSet") {
      for (const id of folder.memberIds ?? []) {
        const member = this.items.get(id);
        if (member) walk(member);
      }
    } else walk(folder);
    return out;
  }

  setData(userId: string, item: StoredItem, data: UserData): void {
    let map = this.userData.get(userId);
    if (!map) {
      map = new Map();
      this.userData.set(userId, map);
    }
    map.set(this.dataKey(item, this), data);
  }

  createPlaylist(
    name: string,
    ownerId: string | null,
    itemIds: readonly string[],
    isPublic: boolean,
    mediaType: "Video" | "Audio" | undefined,
    id: string = this.ids.itemId(),
  ): StoredItem {
    const items = itemIds.map((id) => this.items.get(id)).filter((item) => item !== undefined);
    const inferred = mediaType ?? firstMediaType(items) ?? "Audio";
    const playlist = newItem(id, "Playlist", name, null, null, true);
    playlist.mediaType = inferred;
    playlist.playlist = {
      ownerId,
      shares: ownerId && ownerId !== EMPTY_GUID ? [{ userId: ownerId, canEdit: true }] : [],
      isPublic,
      mediaType: inferred,
      entries: [],
    };
    this.addItem(playlist);
    this.addToPlaylist(playlist, itemIds);
    return playlist;
  }

  /**
   * Adds entries in order at `position` (0-based; ≤0 the front; absent or past the end the
   * end). Items already in the playlist (or repeated) are skipped unless the personality keeps
   * duplicates. Returns the count added.
   */
  addToPlaylist(playlist: StoredItem, itemIds: readonly string[], position?: number): number {
    const state = playlist.playlist!;
    const { keepDuplicates, entryIdIsItemId } = this.playlistRules;
    const present = new Set(state.entries.map((entry) => entry.itemId));
    const added: PlaylistEntry[] = [];
    for (const itemId of itemIds) {
      if (!keepDuplicates && present.has(itemId)) continue;
      present.add(itemId);
      added.push({ entryId: entryIdIsItemId ? itemId : this.ids.itemId(), itemId });
    }
    const at = Math.min(Math.max(position ?? state.entries.length, 0), state.entries.length);
    if (at === state.entries.length) for (const entry of added) state.entries.push(entry);
    else state.entries = [...state.entries.slice(0, at), ...added, ...state.entries.slice(at)];
    return added.length;
  }

  createCollection(name: string, memberIds: readonly string[], id: string = this.ids.itemId()): StoredItem {
    const collection = newItem(id, "BoxSet", name, null, null, true);
    collection.memberIds = [...new Set(memberIds)];
    return this.addItem(collection);
  }
}

function indexProviders(index: Map<string, StoredItem[]>, item: StoredItem): void {
  for (const provider in item.providerIds) {
    push(index, `${provider}.${item.providerIds[provider]}`.toLowerCase(), item);
  }
}

function indexPaths(index: Map<string, StoredItem[]>, item: StoredItem): void {
  if (item.path !== undefined) push(index, item.path, item);
  for (const source of item.mediaSources) if (source.path !== item.path) push(index, source.path, item);
}

/** What a container passes down to its children. */
interface TreeContext {
  seriesId?: string;
  seriesName?: string;
  seasonId?: string;
  seasonName?: string;
  seasonNumber?: number | undefined;
  albumId?: string;
  albumName?: string;
  artistId?: string;
  artistName?: string;
}

/** The name of an item a snapshot holds outside its libraries: its title stays private. */
export const OUTSIDE_NAME = "(outside the snapshot's libraries)";

/**
 * Checks the file's own ids against the server's format (the adapter refuses any other) and
 * reserves them before any id is made, so a made one never repeats a kept one.
 */
function reserveIds(ids: IdFactory, library: ParsedSandboxLibrary): void {
  const keep = (id: string | undefined, what: "user" | "item", where: string) => {
    if (id === undefined) return;
    if (!ids.isValidId(id, what)) {
      throw new ConfigError(`${where}: "${id}" is not a ${ids.kind} ${what} id`, {
        hint:
          library.snapshotOf && library.snapshotOf.kind !== ids.kind
            ? `This file is a snapshot of ${library.snapshotOf.kind} ${library.snapshotOf.version}: start it with --kind ${library.snapshotOf.kind}.`
            : "Ids in a library file must be the server's own: 32 lowercase hex digits on Jellyfin, decimal item ids on Emby.",
      });
    }
    ids.reserve(id);
  };
  library.users.forEach((user, u) => {
    keep(user.id, "user", `users[${u}]`);
  });
  const visit = (item: SandboxItemInput, where: string) => {
    keep(item.id, "item", where);
    item.children?.forEach((child, c) => {
      visit(child, `${where}.children[${c}]`);
    });
  };
  library.libraries.forEach((lib, l) => {
    keep(lib.id, "item", `libraries[${l}]`);
    lib.items.forEach((item, i) => {
      visit(item, `libraries[${l}].items[${i}]`);
    });
  });
  library.otherItems.forEach((item, o) => {
    keep(item.id, "item", `otherItems[${o}]`);
  });
  library.playlists.forEach((playlist, p) => {
    keep(playlist.id, "item", `playlists[${p}]`);
  });
  library.collections.forEach((collection, c) => {
    keep(collection.id, "item", `collections[${c}]`);
  });
}

const CONTAINER_TYPES = new Set(["Series", "Season", "MusicArtist", "MusicAlbum"]);

function firstMediaType(items: StoredItem[]): "Video" | "Audio" | undefined {
  for (const item of items) {
    if (item.mediaType === "Video" || item.mediaType === "Audio") return item.mediaType;
    if (item.type === "MusicAlbum" || item.type === "MusicArtist") return "Audio";
    if (item.isFolder) return "Video";
  }
  return undefined;
}

function fromInput(data: SandboxUserDataInput): UserData {
  return {
    played: data.played,
    playCount: data.playCount,
    lastPlayedDate: data.lastPlayedDate ? formatDate(new Date(data.lastPlayedDate)) : null,
    playbackPositionTicks: data.playbackPositionTicks,
    isFavorite: data.isFavorite,
    rating: data.rating ?? null,
  };
}
