import type { ApplyResult } from "../../../executor/index.js";
import { type Plan, typeAt } from "../../../planner/index.js";
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
    const how = outcome(place);
    if (how === "planned" || isConfirmed(how)) continue;
    const action = plan.actions[place]!;
    if (!("user" in action)) continue;
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
  // By type first: a big plan's user-data writes are packed, and are neither of these.
  const created: string[] = [];
  let collections = 0;
  for (let place = 0; place < plan.actions.length; place++) {
    const type = typeAt(plan.actions, place);
    if (type === "set-user-data") continue;
    const how = outcome(place);
    if (how !== "planned" && !isConfirmed(how)) continue;
    const action = plan.actions[place]!;
    if (action.type === "create-user") created.push(action.user.name);
    else if (type === "create-collection" || type === "add-collection-members") collections += 1;
  }
  if (created.length > 0)
    lines.push(`  users created: ${created.join(", ")} (passwords in a 0600 credentials file)`);
  lines.push(`  collections created or extended: ${collections}`);
  lines.push(
    `  source items without a target item: ${plan.unmatched.length} (listed in the plan with reasons)`,
  );
  return lines.join("\n");
}
