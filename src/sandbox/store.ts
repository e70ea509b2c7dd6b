import { EMPTY_GUID, type IdFactory } from "./ids.js";
import type { ParsedSandboxLibrary, SandboxItemInput, SandboxUserDataInput } from "./library.js";

/** The sandbox's in-memory world, shared by every personality (Jellyfin, Emby, later Plex). */

export interface MediaSource {
  id: string;
  path: string;
  name: string;
}

export interface PlaylistEntry {
  entryId: string;
  itemId: string;
}

export interface PlaylistState {
  ownerId: string | null;
  shares: { userId: string; canEdit: boolean }[];
  isPublic: boolean;
  mediaType: "Video" | "Audio";
  entries: PlaylistEntry[];
}

export interface StoredItem {
  id: string;
  /** Position in library order, so merged index lists can be put back in order. */
  ordinal?: number;
  type: string;
  name: string;
  ref?: string;
  year?: number;
  providerIds: Record<string, string>;
  path?: string;
  mediaSources: MediaSource[];
  indexNumber?: number;
  parentIndexNumber?: number;
  indexNumberEnd?: number;
  runTimeTicks?: number;
  parentId: string | null;
  libraryId: string | null;
  seriesId?: string;
  seriesName?: string;
  seasonId?: string;
  seasonName?: string;
  albumId?: string;
  albumName?: string;
  artistName?: string;
  isFolder: boolean;
  mediaType: "Video" | "Audio" | "Unknown";
  /** Libraries (CollectionFolder) only. */
  collectionType?: string;
  locations?: string[];
  playlist?: PlaylistState;
  memberIds?: string[];
}

export interface StoredUser {
  id: string;
  name: string;
  password: string;
  isAdmin: boolean;
  isDisabled: boolean;
  isHidden: boolean;
  /** Policy fields the sandbox does not interpret, kept as the client sent them. */
  policyExtra: Record<string, unknown>;
  lastLoginDate?: string;
}

export interface UserData {
  played: boolean;
  playCount: number;
  lastPlayedDate: string | null;
  playbackPositionTicks: number;
  isFavorite: boolean;
  rating: number | null;
}

export const emptyUserData = (): UserData => ({
  played: false,
  playCount: 0,
  lastPlayedDate: null,
  playbackPositionTicks: 0,
  isFavorite: false,
  rating: null,
});

/** Server dates: UTC, 7 fractional digits, Z (as both servers write them). */
export function formatDate(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

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
  /** "imdb.tt0111161" (lowercase provider name) → items. */
  readonly byProvider = new Map<string, StoredItem[]>();
  /** Item path and every media-source path → items. */
  readonly byPath = new Map<string, StoredItem[]>();
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
  ) {
    this.serverName = library.serverName;
    this.serverId = ids.serverId(library.serverName);
    for (const user of library.users) {
      this.addUser(user.name, user.password ?? "", user.admin, user.disabled);
    }
    library.libraries.forEach((lib, l) => {
      const folder = this.addItem({
        id: ids.itemId(`library|${lib.name}`),
        type: "CollectionFolder",
        name: lib.name,
        providerIds: {},
        mediaSources: [],
        parentId: null,
        libraryId: null,
        isFolder: true,
        mediaType: "Unknown",
        collectionType: lib.collectionType,
        locations: [...lib.paths],
        ...(lib.paths[0] ? { path: lib.paths[0] } : {}),
      });
      folder.libraryId = folder.id;
      this.libraries.push(folder);
      lib.items.forEach((input, i) => {
        this.addTree(input, folder, `lib${l}/${i}`, {});
      });
    });
    for (const playlist of library.playlists) {
      const owner = this.userByName(playlist.owner)!;
      const itemIds = playlist.entries.map((ref) => this.byRef.get(ref)!.id);
      this.createPlaylist(playlist.name, owner.id, itemIds, playlist.public, undefined);
    }
    for (const collection of library.collections) {
      this.createCollection(
        collection.name,
        collection.members.map((ref) => this.byRef.get(ref)!.id),
      );
    }
  }

  private addTree(
    input: SandboxItemInput,
    parent: StoredItem,
    key: string,
    context: Partial<StoredItem>,
  ): void {
    const isFolder =
      (input.children?.length ?? 0) > 0 ||
      ["Series", "Season", "MusicArtist", "MusicAlbum"].includes(input.type);
    const id = this.ids.itemId(input.ref ? `ref|${input.ref}` : key);
    const mediaSources = (input.mediaSources ?? (input.path && !isFolder ? [{ path: input.path }] : [])).map(
      (source, index) => ({
        id: index === 0 ? id : this.ids.itemId(`${key}|source|${index}`),
        path: source.path,
        name: source.name ?? source.path.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, ""),
      }),
    );
    const item = this.addItem({
      ...context,
      id,
      type: input.type,
      name: input.name,
      providerIds: { ...(input.providerIds ?? {}) },
      mediaSources,
      parentId: parent.id,
      libraryId: parent.libraryId,
      isFolder,
      mediaType: isFolder ? "Unknown" : input.type === "Audio" ? "Audio" : "Video",
      ...(input.ref !== undefined ? { ref: input.ref } : {}),
      ...(input.year !== undefined ? { year: input.year } : {}),
      ...((input.path ?? mediaSources[0]?.path) ? { path: input.path ?? mediaSources[0]!.path } : {}),
      ...(input.indexNumber !== undefined ? { indexNumber: input.indexNumber } : {}),
      ...(input.indexNumberEnd !== undefined ? { indexNumberEnd: input.indexNumberEnd } : {}),
      ...(input.runTimeTicks !== undefined ? { runTimeTicks: input.runTimeTicks } : {}),
    });
    if (input.type === "Episode") {
      const season = input.parentIndexNumber ?? context.parentIndexNumber;
      if (season !== undefined) item.parentIndexNumber = season;
    }
    for (const [userName, data] of Object.entries(input.userData ?? {})) {
      const user = this.userByName(userName)!;
      this.setData(user.id, item, fromInput(data));
    }
    const childContext: Partial<StoredItem> = { ...context };
    delete childContext.parentIndexNumber;
    if (input.type === "Series") Object.assign(childContext, { seriesId: id, seriesName: input.name });
    if (input.type === "Season") {
      Object.assign(childContext, { seasonId: id, seasonName: input.name });
      if (input.indexNumber !== undefined) childContext.parentIndexNumber = input.indexNumber;
    }
    if (input.type === "MusicArtist") Object.assign(childContext, { artistName: input.name });
    if (input.type === "MusicAlbum") Object.assign(childContext, { albumId: id, albumName: input.name });
    (input.children ?? []).forEach((child, index) => {
      this.addTree(child, item, `${key}/${index}`, childContext);
    });
  }

  private nextOrdinal = 0;

  addItem(item: StoredItem): StoredItem {
    item.ordinal = this.nextOrdinal++;
    this.items.set(item.id, item);
    this.ordered.push(item);
    if (item.parentId) push(this.children, item.parentId, item);
    push(this.byType, item.type, item);
    if (item.libraryId) push(this.byLibrary, item.libraryId, item);
    for (const [provider, value] of Object.entries(item.providerIds)) {
      push(this.byProvider, `${provider.toLowerCase()}.${value.toLowerCase()}`, item);
    }
    const paths = new Set([item.path, ...item.mediaSources.map((s) => s.path)]);
    for (const path of paths) if (path) push(this.byPath, path, item);
    if (item.ref) this.byRef.set(item.ref, item);
    return item;
  }

  removeItem(item: StoredItem): void {
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

  addUser(name: string, password: string, isAdmin: boolean, isDisabled = false): StoredUser {
    const user: StoredUser = {
      id: this.ids.userId(name),
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
  ): StoredItem {
    const items = itemIds.map((id) => this.items.get(id)).filter((item) => item !== undefined);
    const inferred = mediaType ?? firstMediaType(items) ?? "Audio";
    const playlist = this.addItem({
      id: this.ids.itemId(),
      type: "Playlist",
      name,
      providerIds: {},
      mediaSources: [],
      parentId: null,
      libraryId: null,
      isFolder: true,
      mediaType: inferred,
      playlist: {
        ownerId,
        shares: ownerId && ownerId !== EMPTY_GUID ? [{ userId: ownerId, canEdit: true }] : [],
        isPublic,
        mediaType: inferred,
        entries: [],
      },
    });
    this.addToPlaylist(playlist, itemIds);
    return playlist;
  }

  /** Adds entries in order; items already in the playlist (or repeated) are skipped. Returns the count added. */
  addToPlaylist(playlist: StoredItem, itemIds: readonly string[]): number {
    const state = playlist.playlist!;
    const present = new Set(state.entries.map((entry) => entry.itemId));
    let added = 0;
    for (const itemId of itemIds) {
      if (present.has(itemId)) continue;
      present.add(itemId);
      state.entries.push({ entryId: this.ids.itemId(), itemId });
      added++;
    }
    return added;
  }

  createCollection(name: string, memberIds: readonly string[]): StoredItem {
    return this.addItem({
      id: this.ids.itemId(),
      type: "BoxSet",
      name,
      providerIds: {},
      mediaSources: [],
      parentId: null,
      libraryId: null,
      isFolder: true,
      mediaType: "Unknown",
      memberIds: [...new Set(memberIds)],
    });
  }
}

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
