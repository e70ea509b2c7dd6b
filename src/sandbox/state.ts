import type { TargetKind } from "../model/index.js";
import type { Personality } from "./personality.js";
import type { Store } from "./store.js";

/** A deep, plain copy of what a migration changes, for tests to compare. */
export interface SandboxState {
  kind: TargetKind;
  version: string;
  users: { id: string; name: string; isAdmin: boolean; isDisabled: boolean; hasPassword: boolean }[];
  /** user name → item id → data; only items whose data differs from the empty state. */
  userData: Record<
    string,
    Record<
      string,
      {
        ref?: string;
        played: boolean;
        playCount: number;
        lastPlayedDate: string | null;
        playbackPositionTicks: number;
        isFavorite: boolean;
        rating: number | null;
      }
    >
  >;
  playlists: {
    id: string;
    name: string;
    ownerId: string | null;
    owner: string | null;
    isPublic: boolean;
    shares: { userId: string; canEdit: boolean }[];
    entries: { entryId: string; itemId: string; ref?: string }[];
  }[];
  collections: { id: string; name: string; members: { itemId: string; ref?: string }[] }[];
}

export function dumpState(p: Personality, store: Store): SandboxState {
  const refOf = (id: string) => {
    const ref = store.items.get(id)?.ref;
    return ref === undefined ? {} : { ref };
  };
  const userData: SandboxState["userData"] = {};
  for (const user of store.users) {
    const data = store.userData.get(user.id);
    const own: SandboxState["userData"][string] = {};
    if (data) {
      for (const item of store.ordered) {
        const entry = data.get(store.dataKey(item, store));
        if (!entry) continue;
        const empty =
          !entry.played &&
          entry.playCount === 0 &&
          entry.lastPlayedDate === null &&
          entry.playbackPositionTicks === 0 &&
          !entry.isFavorite &&
          entry.rating === null;
        if (!empty) own[item.id] = { ...refOf(item.id), ...entry };
      }
    }
    userData[user.name] = own;
  }
  const playlists = (store.byType.get("Playlist") ?? []).map((item) => {
    const state = item.playlist!;
    return {
      id: item.id,
      name: item.name,
      ownerId: state.ownerId,
      owner: state.ownerId ? (store.userById(state.ownerId)?.name ?? null) : null,
      isPublic: state.isPublic,
      shares: state.shares.map((share) => ({ ...share })),
      entries: state.entries.map((entry) => ({ ...entry, ...refOf(entry.itemId) })),
    };
  });
  const collections = (store.byType.get("BoxSet") ?? []).map((item) => ({
    id: item.id,
    name: item.name,
    members: (item.memberIds ?? []).map((itemId) => ({ itemId, ...refOf(itemId) })),
  }));
  return {
    kind: p.kind,
    version: p.version,
    users: store.users.map((user) => ({
      id: user.id,
      name: user.name,
      isAdmin: user.isAdmin,
      isDisabled: user.isDisabled,
      hasPassword: user.password !== "",
    })),
    userData,
    playlists,
    collections,
  };
}
