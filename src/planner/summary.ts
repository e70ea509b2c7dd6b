import type { MatchRule } from "../match/types.js";
import { UserMissReasonSchema } from "../match/types.js";
import { countActions } from "./build.js";
import { typeAt } from "./packed.js";
import { type Action, CATEGORIES, type Category, type Plan } from "./plan.js";

/** What a change changes; each action is exactly one of these, so they add up to `changes`. */
export type ChangeKind = "users" | "userData" | "playlists" | "collections";

/** What a plan (or verify) compared, and what it could not; docs/json-output.md "compared". */
export interface Compared {
  /** Plex accounts whose data was compared with a target user's, and those that were not. */
  users: { compared: number; notCompared: number };
  /** Plex items of the selected libraries with a target item, and without; null when unknown. */
  items: { matched: number; unmatched: number } | null;
  /** The accounts not compared, by name, with the reason code (`unmapped`, …). */
  notComparedUsers: Array<{ name: string; reason: string }>;
}

/** The counts `plan --json` (and `migrate`) report; documented in docs/plan-format.md. */
export interface PlanSummary {
  version: 1;
  /** All actions. */
  changes: number;
  /** Actions by what they change; these add up to `changes`. */
  byKind: Record<ChangeKind, number>;
  /**
   * Actions per category; a user-data write counts once in each category it touches, so these
   * may add up to more than `changes`.
   */
  planned: Record<Category, number>;
  /** Items the planned actions put into playlists and collections. */
  entries: { playlists: number; collections: number };
  /** Things left out per category (a skip entry with a count counts that many). */
  skipped: Record<Category, number>;
  /** Source items that carry something to migrate and have no target item, per reason. */
  unmatched: { total: number; byReason: Record<string, number> };
  users: { mapped: number; created: number; unmapped: number };
  /** Matches per rule, weak ones, and how many pairings to review; null when unknown. */
  matching: {
    byRule: Record<MatchRule, number>;
    weak: number;
    titleYear: number;
    conflicts: number;
  } | null;
  compared: Compared;
  limitations: number;
}

const KIND_OF: Record<Action["type"], ChangeKind> = {
  "create-user": "users",
  "set-user-data": "userData",
  "create-playlist": "playlists",
  "add-playlist-entries": "playlists",
  "create-collection": "collections",
  "add-collection-members": "collections",
};

export function countByKind(actions: readonly Action[]): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { users: 0, userData: 0, playlists: 0, collections: 0 };
  // By type alone: a packed action is not made just to be counted.
  for (let i = 0; i < actions.length; i++) counts[KIND_OF[typeAt(actions, i)]] += 1;
  return counts;
}

const UNMAPPED_RULES: ReadonlySet<string> = new Set(UserMissReasonSchema.options);

/**
 * Which Plex accounts had their data compared: those with a target user the plan writes for.
 * Unmapped accounts, and accounts whose user would have to be created while users are left
 * out, were not. Items: the matcher's counts over the selected libraries.
 */
export function comparedOf(plan: Plan): Compared {
  const creationSkipped = new Set(
    plan.skipped.filter((skip) => skip.reason === "creation-skipped").map((skip) => skip.subject),
  );
  const notComparedUsers = plan.users.flatMap((user) => {
    if (UNMAPPED_RULES.has(user.rule)) return [{ name: user.sourceName, reason: user.rule }];
    if (creationSkipped.has(user.sourceName)) return [{ name: user.sourceName, reason: "creation-skipped" }];
    return [];
  });
  const matching = plan.matching;
  return {
    users: {
      compared: plan.users.length - notComparedUsers.length,
      notCompared: notComparedUsers.length,
    },
    items: matching ? { matched: matching.matched, unmatched: matching.unmatched } : null,
    notComparedUsers,
  };
}

export function summarizePlan(plan: Plan): PlanSummary {
  const zero = () =>
    Object.fromEntries(CATEGORIES.map((category) => [category, 0])) as Record<Category, number>;
  const skipped = zero();
  for (const skip of plan.skipped) skipped[skip.category] += skip.count ?? 1;
  const byReason: Record<string, number> = {};
  for (const entry of plan.unmatched) byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;
  const entries = { playlists: 0, collections: 0 };
  let created = 0;
  // The user-data writes (packed in a big plan) are skipped by type, not made.
  for (let i = 0; i < plan.actions.length; i++) {
    const type = typeAt(plan.actions, i);
    if (type === "set-user-data") continue;
    if (type === "create-user") created += 1;
    const action = plan.actions[i]!;
    if (action.type === "create-playlist" || action.type === "add-playlist-entries") {
      entries.playlists += action.itemIds.length;
    } else if (action.type === "create-collection" || action.type === "add-collection-members") {
      entries.collections += action.itemIds.length;
    }
  }
  const matching = plan.matching;
  return {
    version: 1,
    changes: plan.actions.length,
    byKind: countByKind(plan.actions),
    planned: countActions(plan.actions),
    entries,
    skipped,
    unmatched: { total: plan.unmatched.length, byReason },
    users: {
      mapped: plan.users.filter((user) => !UNMAPPED_RULES.has(user.rule)).length,
      created,
      unmapped: plan.users.filter((user) => UNMAPPED_RULES.has(user.rule)).length,
    },
    matching: matching
      ? {
          byRule: matching.byRule,
          weak: matching.weak,
          titleYear: matching.titleYear.length,
          conflicts: matching.conflicts.length,
        }
      : null,
    compared: comparedOf(plan),
    limitations: plan.limitations.length,
  };
}
