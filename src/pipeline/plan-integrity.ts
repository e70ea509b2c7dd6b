import { ConfigError } from "../errors.js";
import { digestPlan, type PlanContent, type PlanDigests, short } from "../planner/digest.js";
import type { PlanIntegrity } from "../planner/plan.js";

interface RawAction {
  key: string;
  type: string;
  title?: unknown;
  user?: { name?: unknown };
}

/** "user-data of alex for The Matrix (1999)": how a changed action is named to a person. */
function describe(action: RawAction): string {
  const title = typeof action.title === "string" ? action.title : undefined;
  const user = typeof action.user?.name === "string" ? action.user.name : undefined;
  const about = [user && `user ${JSON.stringify(user)}`, title && JSON.stringify(title)].filter(Boolean);
  return `action ${action.key} (${action.type}${about.length > 0 ? `, ${about.join(", ")}` : ""})`;
}

/**
 * What differs between a plan file's content and the digests it was written with, as a
 * phrase; null when nothing does. Actions first (the part a person is most likely to edit),
 * then the other fields, then the order of the actions.
 */
function firstDifference(
  content: PlanContent,
  digests: PlanDigests,
  integrity: PlanIntegrity,
): string | null {
  const actions = content.actions as RawAction[];
  const seen = new Set<string>();
  for (const [i, action] of actions.entries()) {
    const written = integrity.actions[action.key];
    if (seen.has(action.key)) return `${describe(action)} appears twice`;
    seen.add(action.key);
    if (written === undefined) return `${describe(action)} was added after the plan was written`;
    if (written !== short(digests.actions.at(i)!)) return `${describe(action)} was changed`;
  }
  const removed = Object.keys(integrity.actions).find((key) => !seen.has(key));
  if (removed !== undefined) return `action ${removed} was removed`;
  for (const key of new Set([...Object.keys(integrity.sections), ...Object.keys(digests.sections)])) {
    const written = integrity.sections[key];
    const now = digests.sections[key];
    if (written === undefined) return `the field "${key}" was added`;
    if (now === undefined) return `the field "${key}" was removed`;
    if (written !== now) return `the field "${key}" was changed`;
  }
  if (Object.keys(integrity.actions).join("\n") !== actions.map((a) => a.key).join("\n")) {
    return "the actions were reordered";
  }
  return integrity.digest === digests.digest ? null : "the digest itself was changed";
}

/**
 * Checks a plan file's JSON against the integrity block written with it; returns the
 * content's digests (the executor's fingerprints) or refuses the plan, naming the first
 * difference. This guards against hand edits and damage; it is not a signature.
 */
export function checkIntegrity(
  path: string,
  json: Record<string, unknown>,
  integrity: PlanIntegrity,
): PlanDigests {
  const { integrity: _written, ...content } = json;
  const digests = digestPlan(content as PlanContent);
  if (digests.digest === integrity.digest) return digests;
  const difference =
    firstDifference(content as PlanContent, digests, integrity) ?? "its digest does not match";
  throw new ConfigError(`plan file ${path} was changed after it was written: ${difference}`, {
    hint: "Nothing was read from or written to the target. A plan is applied only as `plexodus plan --out` wrote it: make a new plan (plan --out FILE), review it, and apply that file.",
  });
}
