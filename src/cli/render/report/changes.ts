import type { Action } from "../../../planner/index.js";
import { describeChange, plural } from "../format.js";

/** Per category of a user-data action: whether the target holds something there. */
type Holds = (data: { played: boolean; positionMs: number; rating: number | null }) => boolean;

export const HOLDS: Record<"watched" | "progress" | "ratings", Holds> = {
  watched: (data) => data.played,
  progress: (data) => data.positionMs > 0,
  ratings: (data) => data.rating !== null,
};

/** How the count of a category changes when the action lands: +1, 0 or -1 (mirror clears). */
export function countDelta(action: Action, category: string): number {
  if (action.type === "set-user-data" && category in HOLDS) {
    const holds = HOLDS[category as keyof typeof HOLDS];
    return Number(holds({ ...action.before, ...action.set })) - Number(holds(action.before));
  }
  if (action.type === "create-playlist" && category === "playlists") return 1;
  if (action.type === "create-collection" && category === "collections") return 1;
  return 0;
}

/** What an action changes, in a person's words: "played: no → yes, plays: 0 → 3". */
export function describeAction(action: Action, arrow = "→"): string {
  switch (action.type) {
    case "create-user":
      return "create the user (password in the credentials file)";
    case "set-user-data":
      return action.categories.map((category) => describeChange(action, category, arrow)).join("; ");
    case "create-playlist":
      return `new playlist, ${plural(action.itemIds.length, "entry", "entries")}`;
    case "add-playlist-entries":
      return `+ ${plural(action.itemIds.length, "entry", "entries")} (had ${action.before.length})`;
    case "create-collection":
      return `new collection, ${plural(action.itemIds.length, "member")}`;
    case "add-collection-members":
      return `+ ${plural(action.itemIds.length, "member")} (had ${action.before.length})`;
  }
}

export function actionTitle(action: Action): string {
  return action.type === "create-user" ? action.user.name : action.title;
}

/** Outcome words for tables. */
export const OUTCOME_WORDS: Record<string, string> = {
  planned: "planned",
  applied: "applied",
  "already-done": "already in place",
  conflict: "conflict",
  failed: "failed",
  skipped: "skipped",
  "not-started": "not started",
  drift: "drift",
};
