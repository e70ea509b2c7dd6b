import type { Action, Category, Plan } from "./plan.js";

/**
 * One thing on the target that disagrees with what the migration should have produced.
 * `verify` rebuilds the plan from fresh reads of both sides; every action in it is drift.
 */
export interface DriftEntry {
  /** The action key of the rebuilt plan (stable, for scripts). */
  key: string;
  kind:
    | "user-missing"
    | "user-data"
    | "playlist-missing"
    | "playlist-entries-missing"
    | "collection-missing"
    | "collection-members-missing";
  /** Target user name; null for global things (collections). */
  user: string | null;
  /** Item, playlist or collection title, or the user name for a missing user. */
  title: string;
  categories: Category[];
  /** Per field: the target's value and the value the migration wants (user data only). */
  fields: { field: string; actual: unknown; expected: unknown }[];
  /** Entries or members the target lacks. */
  missing: number;
}

function driftOf(action: Action): DriftEntry {
  switch (action.type) {
    case "create-user":
      return {
        key: action.key,
        kind: "user-missing",
        user: action.user.name,
        title: action.user.name,
        categories: ["users"],
        fields: [],
        missing: 0,
      };
    case "set-user-data": {
      const fields = Object.keys(action.set).map((field) => ({
        field,
        actual: action.before[field as keyof typeof action.before],
        expected: action.set[field as keyof typeof action.set],
      }));
      return {
        key: action.key,
        kind: "user-data",
        user: action.user.name,
        title: action.title,
        categories: action.categories,
        fields,
        missing: 0,
      };
    }
    case "create-playlist":
      return {
        key: action.key,
        kind: "playlist-missing",
        user: action.user.name,
        title: action.title,
        categories: ["playlists"],
        fields: [],
        missing: action.itemIds.length,
      };
    case "add-playlist-entries":
      return {
        key: action.key,
        kind: "playlist-entries-missing",
        user: action.user.name,
        title: action.title,
        categories: ["playlists"],
        fields: [],
        missing: action.itemIds.length,
      };
    case "create-collection":
      return {
        key: action.key,
        kind: "collection-missing",
        user: null,
        title: action.title,
        categories: ["collections"],
        fields: [],
        missing: action.itemIds.length,
      };
    case "add-collection-members":
      return {
        key: action.key,
        kind: "collection-members-missing",
        user: null,
        title: action.title,
        categories: ["collections"],
        fields: [],
        missing: action.itemIds.length,
      };
  }
}

export function findDrift(plan: Plan): DriftEntry[] {
  return plan.actions.map(driftOf);
}
