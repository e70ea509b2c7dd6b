import type {
  TargetCollection,
  TargetItem,
  TargetItemKind,
  TargetKind,
  TargetLibrary,
  TargetPlaylist,
  TargetUser,
  TargetUserData,
} from "../model/index.js";
import type { SandboxItemInput, SandboxItemType, SandboxLibrary, SandboxUserDataInput } from "./library.js";

/**
 * A real target as plexodus read it through its adapter, narrowed to what a snapshot may hold:
 * the included users and libraries, and only what the migration looks at.
 */
export interface TargetSnapshot {
  server: { kind: TargetKind; version: string; serverName: string };
  /** Included users only; their ids are kept. */
  users: readonly TargetUser[];
  /** Included libraries only. */
  libraries: readonly TargetLibrary[];
  /** Items of the included libraries (others are dropped here too). */
  items: readonly TargetItem[];
  /** Target user id → item id → data; empty data is left out of the file. */
  userData: ReadonlyMap<string, ReadonlyMap<string, TargetUserData>>;
  /** Playlists owned by included users, entries in order. */
  playlists: readonly TargetPlaylist[];
  collections: readonly TargetCollection[];
}

/** The sandbox item type of each target item kind (library files name items by server type). */
export const ITEM_TYPE: Readonly<Record<TargetItemKind, SandboxItemType>> = {
  movie: "Movie",
  show: "Series",
  season: "Season",
  episode: "Episode",
  artist: "MusicArtist",
  album: "MusicAlbum",
  track: "Audio",
};

const COLLECTION_TYPE = {
  movie: "movies",
  show: "tvshows",
  music: "music",
  mixed: "mixed",
  other: "homevideos",
} as const satisfies Record<TargetLibrary["kind"], string>;

/** A snapshot kept where its title would show (a name is required; the server gave none). */
const UNTITLED = "(untitled)";

/**
 * The snapshot as a sandbox library file (docs/sandbox-library.md), so a sandbox started from
 * it answers the adapter as the real server did: same ids, names, provider ids, paths,
 * numbering, library membership, user data, playlists and collections. No password, API key or
 * token is part of the input, so none can reach the file.
 */
export function snapshotLibrary(snapshot: TargetSnapshot): SandboxLibrary {
  const userNames = new Map(snapshot.users.map((user) => [user.id, user.name]));
  const libraryIds = new Set(snapshot.libraries.map((library) => library.id));
  const items = snapshot.items.filter((item) => item.libraryId !== null && libraryIds.has(item.libraryId));
  const byId = new Map(items.map((item) => [item.id, item]));

  // Items a playlist or collection points at carry a ref (their id) so the file can name them.
  const referenced = new Set<string>();
  const playlists = snapshot.playlists.flatMap((playlist) => {
    const owner = playlist.ownerUserId === null ? undefined : userNames.get(playlist.ownerUserId);
    if (owner === undefined) return [];
    for (const entry of playlist.entries) referenced.add(entry.itemId);
    return [
      {
        id: playlist.id,
        name: playlist.title || UNTITLED,
        owner,
        public: false,
        entries: playlist.entries.map((entry) => entry.itemId),
      },
    ];
  });
  const collections = snapshot.collections.map((collection) => {
    for (const id of collection.memberIds) referenced.add(id);
    return { id: collection.id, name: collection.title || UNTITLED, members: [...collection.memberIds] };
  });

  const inputs = new Map<string, SandboxItemInput>();
  for (const item of items) inputs.set(item.id, itemInput(item, referenced.has(item.id)));
  for (const [userId, data] of snapshot.userData) {
    const name = userNames.get(userId);
    if (name === undefined) continue;
    for (const [itemId, value] of data) {
      const input = inputs.get(itemId);
      const row = userDataInput(value);
      if (input === undefined || row === null) continue;
      input.userData ??= {};
      input.userData[name] = row;
    }
  }

  const topLevel = new Map<string, SandboxItemInput[]>(snapshot.libraries.map((library) => [library.id, []]));
  for (const item of items) {
    const input = inputs.get(item.id)!;
    const parent = parentOf(item, byId);
    if (parent === undefined) {
      topLevel.get(item.libraryId!)!.push(input);
      continue;
    }
    const container = inputs.get(parent.id)!;
    container.children ??= [];
    container.children.push(input);
  }

  return {
    ...(snapshot.server.serverName ? { serverName: snapshot.server.serverName } : {}),
    snapshotOf: { kind: snapshot.server.kind, version: snapshot.server.version },
    users: snapshot.users.map((user) => ({ id: user.id, name: user.name, admin: user.isAdmin })),
    libraries: snapshot.libraries.map((library) => ({
      id: library.id,
      name: library.name,
      collectionType: COLLECTION_TYPE[library.kind],
      paths: [...library.rootPaths],
      items: topLevel.get(library.id)!,
    })),
    playlists,
    collections,
    otherItems: [...referenced]
      .filter((id) => !byId.has(id))
      .sort()
      .map((id) => ({ id, ref: id })),
  };
}

/**
 * The container an item nests in, when the file can express it: a season or an episode in its
 * series (an episode in its season first), an album in its artist, a track in its album —
 * always within the same library. Anything else stands at the top of its library.
 */
function parentOf(item: TargetItem, byId: ReadonlyMap<string, TargetItem>): TargetItem | undefined {
  const near = (id: string | null, kind: TargetItemKind) => {
    const found = id === null ? undefined : byId.get(id);
    return found?.kind === kind && found.libraryId === item.libraryId ? found : undefined;
  };
  switch (item.kind) {
    case "season":
      return near(item.showId, "show");
    case "episode": {
      const season = near(item.parentId, "season");
      if (season !== undefined && (item.showId === null || season.showId === item.showId)) return season;
      return near(item.showId, "show");
    }
    case "album":
      return near(item.showId, "artist");
    case "track":
      return near(item.parentId, "album");
    default:
      return undefined;
  }
}

function itemInput(item: TargetItem, referenced: boolean): SandboxItemInput {
  const input: SandboxItemInput = { id: item.id, type: ITEM_TYPE[item.kind], name: item.title || UNTITLED };
  if (referenced) input.ref = item.id;
  if (item.year !== null) input.year = item.year;
  if (Object.keys(item.externalIds).length > 0) input.providerIds = { ...item.externalIds };
  if (item.paths.length > 0) input.path = item.paths[0];
  // Extra paths are the item's other versions (MediaSources); one path is its only source.
  if (item.paths.length > 1) input.mediaSources = item.paths.map((path) => ({ path }));
  if (item.kind === "season" && item.seasonNumber !== null) input.indexNumber = item.seasonNumber;
  if (item.kind === "episode" || item.kind === "track") {
    if (item.episodeNumber !== null) input.indexNumber = item.episodeNumber;
    if (item.seasonNumber !== null) input.parentIndexNumber = item.seasonNumber;
  }
  if (item.episodeNumberEnd !== null) input.indexNumberEnd = item.episodeNumberEnd;
  return input;
}

const TICKS_PER_MS = 10_000;

/** A user's data in the file's terms; null when it is the empty state (never stored). */
function userDataInput(data: TargetUserData): SandboxUserDataInput | null {
  const empty =
    !data.played &&
    data.playCount === 0 &&
    data.lastPlayedAt === null &&
    data.positionMs === 0 &&
    data.rating === null &&
    !data.isFavorite;
  if (empty) return null;
  return {
    played: data.played,
    playCount: data.playCount,
    ...(data.lastPlayedAt !== null ? { lastPlayedDate: data.lastPlayedAt.toISOString() } : {}),
    playbackPositionTicks: Math.round(data.positionMs * TICKS_PER_MS),
    isFavorite: data.isFavorite,
    ...(data.rating !== null ? { rating: data.rating } : {}),
  };
}
