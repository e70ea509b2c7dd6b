import type { TargetItem, TargetLibrary, TargetUserData } from "../../src/model/index.js";
import type { SandboxLibrary } from "../../src/sandbox/index.js";
import type { SandboxItemInput } from "../../src/sandbox/library.js";
import { ITEM_TYPE } from "../../src/sandbox/snapshot.js";
import type { ConnectedTarget } from "../../src/targets/detect.js";

/**
 * A server's state as the adapter reads it, in terms that do not depend on ids: items are
 * named by kind, title and first path, users by name. Two servers holding the same library
 * give equal end states exactly when a migration left the same marks on both.
 */
export interface EndState {
  users: { name: string; admin: boolean }[];
  /** user name → item key → user data (only items with any), dates as ISO text. */
  userData: Record<string, Record<string, UserDataRow>>;
  /** Playlists each user owns: owner name → title → entry item keys in order. */
  playlists: Record<string, Record<string, string[]>>;
  /** Collection title → member item keys, sorted. */
  collections: Record<string, string[]>;
}

export interface UserDataRow {
  played: boolean;
  playCount: number;
  lastPlayedAt: string | null;
  positionMs: number;
  rating: number | null;
  isFavorite: boolean;
}

/** "movie|The Matrix|/…/The Matrix (1999).mkv": the same item on any server holding the file. */
export function itemKey(item: TargetItem): string {
  return `${item.kind}|${item.title}|${item.paths[0] ?? ""}`;
}

function row(data: TargetUserData): UserDataRow {
  return {
    played: data.played,
    playCount: data.playCount,
    lastPlayedAt: data.lastPlayedAt?.toISOString() ?? null,
    positionMs: data.positionMs,
    rating: data.rating,
    isFavorite: data.isFavorite,
  };
}

const isEmpty = (data: UserDataRow) =>
  !data.played &&
  data.playCount === 0 &&
  data.lastPlayedAt === null &&
  data.positionMs === 0 &&
  data.rating === null &&
  !data.isFavorite;

export interface ReadOptions {
  /**
   * Also read every user's data through the list route plexodus plans with, and report where
   * it disagrees with the per-item route (the one the executor re-checks with).
   */
  onListMismatch?: (user: string, item: string, list: UserDataRow, single: UserDataRow) => void;
}

/**
 * Reads users, every user's data on every item (through the per-item route: one request per
 * user and item, so small libraries only), owned playlists and collections.
 */
export async function readEndState(target: ConnectedTarget, options: ReadOptions = {}): Promise<EndState> {
  const index = await target.index();
  const keyOf = new Map(index.items.map((item) => [item.id, itemKey(item)]));
  const users = await target.listUsers();
  const state: EndState = {
    users: users
      .map((u) => ({ name: u.name, admin: u.isAdmin }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    userData: {},
    playlists: {},
    collections: {},
  };
  for (const user of users) {
    const rows: Record<string, UserDataRow> = {};
    const listed = options.onListMismatch
      ? await target.readUserData(
          user.id,
          index.items.map((item) => item.id),
        )
      : undefined;
    for (const item of index.items) {
      const single = row(await target.getUserData(user.id, item.id));
      const key = keyOf.get(item.id)!;
      const list = listed?.get(item.id);
      if (list && JSON.stringify(row(list)) !== JSON.stringify(single))
        options.onListMismatch?.(user.name, key, row(list), single);
      if (!isEmpty(single)) rows[key] = single;
    }
    if (Object.keys(rows).length > 0) state.userData[user.name] = sortKeys(rows);
    const owned: Record<string, string[]> = {};
    for (const playlist of await target.listPlaylists(user.id)) {
      owned[playlist.title] = playlist.entries.map((entry) => keyOf.get(entry.itemId) ?? entry.itemId);
    }
    if (Object.keys(owned).length > 0) state.playlists[user.name] = sortKeys(owned);
  }
  for (const collection of await target.listCollections()) {
    state.collections[collection.title] = collection.memberIds.map((id) => keyOf.get(id) ?? id).sort();
  }
  state.collections = sortKeys(state.collections);
  return state;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

const COLLECTION_TYPES: Record<TargetLibrary["kind"], "movies" | "tvshows" | "music" | "mixed"> = {
  movie: "movies",
  show: "tvshows",
  music: "music",
  mixed: "mixed",
  other: "mixed",
};

/**
 * A sandbox library file holding what the server holds, as the adapter sees it: users (without
 * passwords), libraries and items (same titles, years, ids and paths), every user's data,
 * owned playlists and collections. Items carry their server id as `ref`.
 */
export async function cloneLibrary(target: ConnectedTarget, serverName: string): Promise<SandboxLibrary> {
  const index = await target.index();
  const state = await readEndState(target);
  const byKey = new Map(index.items.map((item) => [itemKey(item), item]));
  const users = await target.listUsers();
  const inputs = new Map<string, SandboxItemInput>();
  for (const item of index.items) {
    const [first, ...more] = item.paths;
    const input: SandboxItemInput = {
      ref: item.id,
      type: ITEM_TYPE[item.kind],
      name: item.title,
      ...(item.year !== null ? { year: item.year } : {}),
      ...(Object.keys(item.externalIds).length > 0 ? { providerIds: { ...item.externalIds } } : {}),
      ...(first !== undefined ? { path: first } : {}),
      ...(first !== undefined && ["movie", "episode", "track"].includes(item.kind)
        ? { mediaSources: [first, ...more].map((path) => ({ path })) }
        : {}),
    };
    if (item.kind === "season" && item.seasonNumber !== null) input.indexNumber = item.seasonNumber;
    if (item.kind === "episode" || item.kind === "track") {
      if (item.episodeNumber !== null) input.indexNumber = item.episodeNumber;
      if (item.seasonNumber !== null) input.parentIndexNumber = item.seasonNumber;
      if (item.episodeNumberEnd !== null) input.indexNumberEnd = item.episodeNumberEnd;
    }
    inputs.set(item.id, input);
  }
  for (const [user, rows] of Object.entries(state.userData)) {
    for (const [key, data] of Object.entries(rows)) {
      const input = inputs.get(byKey.get(key)!.id)!;
      input.userData = {
        ...input.userData,
        [user]: {
          played: data.played,
          playCount: data.playCount,
          ...(data.lastPlayedAt !== null ? { lastPlayedDate: data.lastPlayedAt } : {}),
          playbackPositionTicks: Math.round(data.positionMs * 10_000),
          isFavorite: data.isFavorite,
          ...(data.rating !== null ? { rating: data.rating } : {}),
        },
      };
    }
  }
  // Seasons under their show, episodes under their season, albums under their artist,
  // tracks under their album; the rest stand at the top of their library.
  const parentOf = (item: TargetItem): string | null =>
    item.kind === "season" || item.kind === "album"
      ? item.showId
      : item.kind === "episode" || item.kind === "track"
        ? item.parentId
        : null;
  const top = new Map<string, SandboxItemInput[]>();
  for (const item of index.items) {
    const parent = parentOf(item);
    const input = inputs.get(item.id)!;
    if (parent !== null && inputs.has(parent)) {
      const holder = inputs.get(parent)!;
      holder.children = [...(holder.children ?? []), input];
    } else {
      const library = item.libraryId ?? "";
      top.set(library, [...(top.get(library) ?? []), input]);
    }
  }
  const refOf = (key: string) => byKey.get(key)?.id ?? key;
  return {
    serverName,
    users: users.map((user) => ({ name: user.name, admin: user.isAdmin })),
    libraries: index.libraries.map((library) => ({
      name: library.name,
      collectionType: COLLECTION_TYPES[library.kind],
      paths: library.rootPaths,
      items: top.get(library.id) ?? [],
    })),
    playlists: Object.entries(state.playlists).flatMap(([owner, owned]) =>
      Object.entries(owned).map(([name, entries]) => ({ name, owner, entries: entries.map(refOf) })),
    ),
    collections: Object.entries(state.collections).map(([name, members]) => ({
      name,
      members: members.map(refOf),
    })),
  };
}
