import type { ApplyResult } from "../../../executor/index.js";
import type { Action, Plan } from "../../../planner/index.js";
import type { Moved } from "./data.js";

/** How one action ended, in the words reports use. */
export type ActionOutcome = "planned" | NonNullable<ReturnType<ApplyResult["outcomes"]["get"]>>;

/** Applied now or found already applied: the target holds what the action wanted. */
export function isConfirmed(outcome: ActionOutcome): boolean {
  return outcome === "applied" || outcome === "already-done";
}

/**
 * The outcome of each action: what the target confirmed after an apply, "planned" before
 * one. An action the result does not know of was never started.
 */
export function outcomeOf(result: ApplyResult | null | undefined): (action: Action) => ActionOutcome {
  if (!result) return () => "planned";
  return (action) => result.outcomes.get(action.key) ?? "not-started";
}

/**
 * The same by the action's place in the plan (the plan the result is of): for walks over the
 * whole plan, without the lookup by key that millions of actions make slow.
 */
export function outcomeAt(result: ApplyResult | null | undefined): (place: number) => ActionOutcome {
  if (!result) return () => "planned";
  return (place) => result.outcomes.at(place);
}

export function emptyMoved(): Moved {
  return { played: 0, plays: 0, dates: 0, positions: 0, ratings: 0, favorites: 0, playlists: 0, entries: 0 };
}

/** Adds what one user action carries to `moved`. */
export function addMoved(moved: Moved, action: Action): void {
  if (action.type === "set-user-data") {
    const { set, before } = action;
    if (set.played === true && !before.played) moved.played += 1;
    if (set.playCount !== undefined && set.playCount > before.playCount)
      moved.plays += set.playCount - before.playCount;
    if (set.lastPlayedAt !== undefined) moved.dates += 1;
    if (set.positionMs !== undefined) moved.positions += 1;
    if (set.rating !== undefined) moved.ratings += 1;
    if (set.isFavorite === true && !before.isFavorite) moved.favorites += 1;
  } else if (action.type === "create-playlist" || action.type === "add-playlist-entries") {
    moved.playlists += 1;
    moved.entries += action.itemIds.length;
  }
}

/** Per target user (in plan order): what their confirmed, or planned, actions carry. */
export function movedByUser(plan: Plan, result?: ApplyResult | null): Map<string, Moved> {
  const outcome = outcomeAt(result);
  const perUser = new Map<string, Moved>();
  for (let place = 0; place < plan.actions.length; place++) {
    const action = plan.actions[place]!;
    if (!("user" in action) || action.type === "create-user") continue;
    let moved = perUser.get(action.user.name);
    if (!moved) {
      moved = emptyMoved();
      perUser.set(action.user.name, moved);
    }
    const how = outcome(place);
    if (how === "planned" || isConfirmed(how)) addMoved(moved, action);
  }
  return perUser;
}
