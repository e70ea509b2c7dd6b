import { EMPTY_USER_DATA, nameKey, type TargetPlaylist, type TargetUserData } from "../../src/model/index.js";
import { intentDigest } from "../../src/planner/keys.js";
import type { Action, Plan, PlanUserRef } from "../../src/planner/plan.js";
import { cloneTargetState, type TargetState } from "../../src/planner/state.js";
import { fromPlanChange, sameField, USER_DATA_FIELDS } from "../../src/planner/userdata.js";

/** Id the simulator gives a user it creates: derived from the name, so order never matters. */
export function simulatedUserId(name: string): string {
  return `sim-user-${intentDigest(nameKey(name))}`;
}

function resolveUser(state: TargetState, ref: PlanUserRef): string {
  if (ref.id !== null) return ref.id;
  const found = state.users.find((user) => nameKey(user.name) === nameKey(ref.name));
  return found?.id ?? simulatedUserId(ref.name);
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function appendEntries(playlist: TargetPlaylist, itemIds: readonly string[]): void {
  // Targets drop an item already in the playlist (reference §6.2).
  const present = new Set(playlist.entries.map((entry) => entry.itemId));
  for (const itemId of itemIds) {
    if (present.has(itemId)) continue;
    present.add(itemId);
    playlist.entries.push({ itemId, entryId: `${playlist.id}:${itemId}` });
  }
}

function ownPlaylists(state: TargetState, userId: string): TargetPlaylist[] {
  let lists = state.playlists.get(userId);
  if (!lists) {
    lists = [];
    state.playlists.set(userId, lists);
  }
  return lists;
}

function applyAction(state: TargetState, action: Action): void {
  switch (action.type) {
    case "create-user": {
      if (state.users.some((user) => nameKey(user.name) === nameKey(action.user.name))) return;
      state.users.push({ id: simulatedUserId(action.user.name), name: action.user.name, isAdmin: false });
      return;
    }
    case "set-user-data": {
      const userId = resolveUser(state, action.user);
      let items = state.userData.get(userId);
      if (!items) {
        items = new Map();
        state.userData.set(userId, items);
      }
      const current: TargetUserData = items.get(action.itemId) ?? EMPTY_USER_DATA;
      const before = fromPlanChange(action.before);
      const set = fromPlanChange(action.set);
      // A field changed since planning is a conflict: a correct executor writes nothing.
      for (const field of USER_DATA_FIELDS) {
        if (field in set && !sameField(field, current[field] as never, before[field] as never)) return;
      }
      items.set(action.itemId, { ...current, ...set });
      return;
    }
    case "create-playlist": {
      const userId = resolveUser(state, action.user);
      const lists = ownPlaylists(state, userId);
      let playlist = lists.find((list) => list.ownerUserId === userId && list.title === action.title);
      if (!playlist) {
        playlist = {
          id: `sim-playlist-${intentDigest([userId, action.title])}`,
          title: action.title,
          ownerUserId: userId,
          entries: [],
        };
        lists.push(playlist);
        lists.sort(byId);
      }
      appendEntries(playlist, action.itemIds);
      return;
    }
    case "add-playlist-entries": {
      const userId = resolveUser(state, action.user);
      const playlist = ownPlaylists(state, userId).find((list) => list.id === action.playlistId);
      if (playlist) appendEntries(playlist, action.itemIds);
      return;
    }
    case "create-collection": {
      let collection = state.collections.find((c) => c.title === action.title);
      if (!collection) {
        collection = {
          id: `sim-collection-${intentDigest(action.title)}`,
          title: action.title,
          memberIds: [],
        };
        state.collections.push(collection);
        state.collections.sort(byId);
      }
      for (const id of action.itemIds) if (!collection.memberIds.includes(id)) collection.memberIds.push(id);
      return;
    }
    case "add-collection-members": {
      const collection = state.collections.find((c) => c.id === action.collectionId);
      if (collection)
        for (const id of action.itemIds)
          if (!collection.memberIds.includes(id)) collection.memberIds.push(id);
      return;
    }
  }
}

/**
 * What a correct executor leaves behind after applying these actions to this state:
 * absolute user-data writes (none where the value changed since planning), playlists and
 * collections created once and appended without duplicates, users created under their names.
 * Pure: the given state is not changed. Ids of created things derive from names and titles,
 * so the result does not depend on the order the actions are applied in.
 */
export function applyPlanToState(plan: Pick<Plan, "actions">, state: TargetState): TargetState {
  const next = cloneTargetState(state);
  for (const action of plan.actions) applyAction(next, action);
  next.users.sort(byId);
  return next;
}
