import type { TargetCollection, TargetPlaylist, TargetUser, TargetUserData } from "../model/index.js";

/**
 * What the planner needs to know of the target right now. The caller reads it through the
 * adapter: users, the user data `neededUserData` asks for, each mapped user's own playlists
 * and every collection.
 */
export interface TargetState {
  users: TargetUser[];
  /** Target user id → target item id → that user's data for the item. */
  userData: Map<string, Map<string, TargetUserData>>;
  /** Target user id → playlists that user owns (not ones merely shared with them). */
  playlists: Map<string, TargetPlaylist[]>;
  collections: TargetCollection[];
}

export function emptyTargetState(): TargetState {
  return { users: [], userData: new Map(), playlists: new Map(), collections: [] };
}

/** A deep copy, so simulations never alter the state they were given. */
export function cloneTargetState(state: TargetState): TargetState {
  return {
    users: state.users.map((user) => ({ ...user })),
    userData: new Map(
      [...state.userData].map(([userId, items]) => [
        userId,
        new Map([...items].map(([itemId, data]) => [itemId, { ...data }])),
      ]),
    ),
    playlists: new Map(
      [...state.playlists].map(([userId, lists]) => [
        userId,
        lists.map((list) => ({ ...list, entries: list.entries.map((entry) => ({ ...entry })) })),
      ]),
    ),
    collections: state.collections.map((collection) => ({
      ...collection,
      memberIds: [...collection.memberIds],
    })),
  };
}
