import type { ApplyResult } from "../../../executor/index.js";
import type { Plan } from "../../../planner/index.js";
import { OUTCOME_WORDS } from "./changes.js";
import { isConfirmed, movedByUser, outcomeAt } from "./moved.js";
import { movedPhrase } from "./words.js";

/**
 * Per target user, in words: what the run carried over. After an apply only what the target
 * confirmed counts (applied now or already in place), and what did not land is counted beside
 * it; before one (a plan, the demo's first step) what is planned.
 */
export function whatMoved(plan: Plan, result?: ApplyResult | null): string {
  const outcome = outcomeAt(result);
  const open = new Map<string, Map<string, number>>();
  for (let place = 0; place < plan.actions.length; place++) {
    const action = plan.actions[place]!;
    const how = outcome(place);
    if (how === "planned" || isConfirmed(how) || !("user" in action)) continue;
    const counts = open.get(action.user.name) ?? new Map<string, number>();
    counts.set(how, (counts.get(how) ?? 0) + 1);
    open.set(action.user.name, counts);
  }
  const perUser = movedByUser(plan, result);
  const lines = [...perUser].map(([name, moved]) => {
    const left = [...(open.get(name) ?? [])].map(([how, n]) => `${n} ${OUTCOME_WORDS[how] ?? how}`);
    return `  ${name}: ${movedPhrase(moved)}${left.length > 0 ? `; not moved: ${left.join(", ")}` : ""}`;
  });
  if (perUser.size === 0) lines.push("  nobody's history needed a change");
  const landed = plan.actions.filter((_, place) => {
    const how = outcome(place);
    return how === "planned" || isConfirmed(how);
  });
  const created = landed.flatMap((action) => (action.type === "create-user" ? [action.user.name] : []));
  if (created.length > 0)
    lines.push(`  users created: ${created.join(", ")} (passwords in a 0600 credentials file)`);
  const collections = landed.filter(
    (action) => action.type === "create-collection" || action.type === "add-collection-members",
  ).length;
  lines.push(`  collections created or extended: ${collections}`);
  lines.push(
    `  source items without a target item: ${plan.unmatched.length} (listed in the plan with reasons)`,
  );
  return lines.join("\n");
}
