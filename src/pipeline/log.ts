import type { ApplyResult } from "../executor/index.js";
import type { ResponseEvent } from "../http/client.js";
import type { RecordEvent } from "../log.js";
import { describeItem } from "../match/report.js";
import type { Plan } from "../planner/index.js";
import type { Interaction } from "./interaction.js";
import type { Prepared } from "./prepare.js";

/** The HTTP client's response hook when `--log` is on, else nothing (no cost per request). */
export function requestObserver(
  interaction: Pick<Interaction, "record">,
): ((event: ResponseEvent) => void) | undefined {
  const record = interaction.record;
  return record ? (event) => record({ type: "request", ...event }) : undefined;
}

/**
 * Every decision a plan rests on, one log line each: how each person was paired, how each
 * item matched or why not, what the plan leaves out, and each action it plans.
 */
export function recordPlanDecisions(prepared: Prepared, record: RecordEvent): void {
  const { plan, snapshot, matches } = prepared;
  for (const user of plan.users) {
    record({
      type: "decision",
      decision: "user",
      subject: user.sourceName,
      target: user.targetName,
      rule: user.rule,
    });
  }
  const itemsByKey = new Map(snapshot.items.map((item) => [item.key, item]));
  const library = new Map(snapshot.libraries.map((l) => [l.id, l.name]));
  for (const item of snapshot.items) {
    const subject = `${item.kind} ${describeItem(item, itemsByKey)}`;
    const where = library.get(item.libraryId) ?? "";
    const match = matches.matches.get(item.key);
    if (match) {
      record({
        type: "decision",
        decision: "match",
        subject,
        library: where,
        rule: match.rule,
        weak: match.weak,
        targetId: match.targetId,
        ...(match.conflict ? { conflict: match.conflict } : {}),
      });
      continue;
    }
    const miss = matches.misses.get(item.key);
    if (miss) {
      record({
        type: "decision",
        decision: "unmatched",
        subject,
        library: where,
        reason: miss.reason,
        detail: miss.detail,
      });
    }
  }
  for (const skip of plan.skipped) record({ type: "decision", decision: "skip", ...skip });
  for (const action of plan.actions) {
    record({
      type: "decision",
      decision: "planned",
      subject: action.type === "create-user" ? action.user.name : action.title,
      key: action.key,
      action: action.type,
      ...("user" in action ? { user: action.user.name } : {}),
      ...(action.type === "set-user-data" ? { set: action.set } : {}),
    });
  }
}

/** How each action of an apply ended, one line each (applied, already-done, conflict, failed, …). */
export function recordOutcomes(plan: Plan, result: ApplyResult, record: RecordEvent): void {
  const reasons = new Map<string, string>();
  for (const issue of [...result.conflicts, ...result.failures, ...result.skips])
    reasons.set(issue.key, issue.reason);
  for (let place = 0; place < plan.actions.length; place++) {
    const action = plan.actions[place]!;
    const reason = reasons.get(action.key);
    record({
      type: "decision",
      decision: "outcome",
      subject: action.type === "create-user" ? action.user.name : action.title,
      key: action.key,
      outcome: result.outcomes.at(place),
      ...(reason === undefined ? {} : { reason }),
    });
  }
}
