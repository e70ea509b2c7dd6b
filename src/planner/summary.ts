import { UserMissReasonSchema } from "../match/types.js";
import { countActions } from "./build.js";
import { CATEGORIES, type Category, type Plan } from "./plan.js";

/** The counts `plan --json` (and `migrate`) report; documented in docs/plan-format.md. */
export interface PlanSummary {
  version: 1;
  /** All actions. */
  changes: number;
  /** Actions per category; a user-data write counts once in each category it touches. */
  planned: Record<Category, number>;
  /** Items the planned actions put into playlists and collections. */
  entries: { playlists: number; collections: number };
  /** Things left out per category (a skip entry with a count counts that many). */
  skipped: Record<Category, number>;
  /** Source items with no target item, in total and per reason. */
  unmatched: { total: number; byReason: Record<string, number> };
  users: { mapped: number; created: number; unmapped: number };
  limitations: number;
}

export function summarizePlan(plan: Plan): PlanSummary {
  const zero = () =>
    Object.fromEntries(CATEGORIES.map((category) => [category, 0])) as Record<Category, number>;
  const skipped = zero();
  for (const skip of plan.skipped) skipped[skip.category] += skip.count ?? 1;
  const byReason: Record<string, number> = {};
  for (const entry of plan.unmatched) byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;
  const entries = { playlists: 0, collections: 0 };
  for (const action of plan.actions) {
    if (action.type === "create-playlist" || action.type === "add-playlist-entries") {
      entries.playlists += action.itemIds.length;
    } else if (action.type === "create-collection" || action.type === "add-collection-members") {
      entries.collections += action.itemIds.length;
    }
  }
  const unmappedRules = new Set<string>(UserMissReasonSchema.options);
  return {
    version: 1,
    changes: plan.actions.length,
    planned: countActions(plan.actions),
    entries,
    skipped,
    unmatched: { total: plan.unmatched.length, byReason },
    users: {
      mapped: plan.users.filter((user) => !unmappedRules.has(user.rule)).length,
      created: plan.actions.filter((action) => action.type === "create-user").length,
      unmapped: plan.users.filter((user) => unmappedRules.has(user.rule)).length,
    },
    limitations: plan.limitations.length,
  };
}
