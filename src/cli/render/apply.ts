import type { ApplyResult } from "../../executor/index.js";
import type { TargetServerInfo } from "../../model/index.js";
import { actionCategories, CATEGORIES, type Category, type Plan } from "../../planner/index.js";
import { planTotalsLine } from "./plan.js";

type Row = { planned: number; done: number; conflicts: number; failed: number; skipped: number };

/**
 * Per-category outcome of a run. An action counts in every category it touches; actions
 * without an issue that were started count as done (applied now or found already applied).
 */
export function applyTable(plan: Plan, result: ApplyResult): Record<Category, Row> {
  const issueOf = new Map<string, keyof Row>();
  for (const issue of result.conflicts) issueOf.set(issue.key, "conflicts");
  for (const issue of result.failures) issueOf.set(issue.key, "failed");
  for (const issue of result.skips) issueOf.set(issue.key, "skipped");
  const table = Object.fromEntries(
    CATEGORIES.map((c) => [c, { planned: 0, done: 0, conflicts: 0, failed: 0, skipped: 0 }]),
  ) as Record<Category, Row>;
  for (const action of plan.actions) {
    const outcome = issueOf.get(action.key) ?? "done";
    for (const category of actionCategories(action)) {
      table[category].planned += 1;
      table[category][outcome] += 1;
    }
  }
  return table;
}

export function renderApplyResult(plan: Plan, result: ApplyResult): string {
  const table = applyTable(plan, result);
  const lines: string[] = [];
  const head = ["category", "planned", "done", "conflicts", "failed", "skipped"];
  const rows = CATEGORIES.map((c) => [
    c,
    ...[table[c].planned, table[c].done, table[c].conflicts, table[c].failed, table[c].skipped].map(String),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  lines.push(fmt(head));
  for (const row of rows) lines.push(fmt(row));
  lines.push("");
  lines.push(
    `Applied ${result.applied}, already in place ${result.alreadyDone}, conflicts ${result.conflicted}, failed ${result.failed}, skipped ${result.skipped}` +
      (result.notStarted > 0 ? `, not started ${result.notStarted}` : "") +
      ` — ${result.writesSent} writes in ${(result.durationMs / 1000).toFixed(1)}s.`,
  );
  for (const issue of result.conflicts.slice(0, 20))
    lines.push(`  conflict: ${issue.title}: ${issue.reason}`);
  for (const issue of result.failures.slice(0, 20)) lines.push(`  failed:   ${issue.title}: ${issue.reason}`);
  const more = result.conflicts.length + result.failures.length - 40;
  if (more > 0) lines.push(`  … and ${more} more (see --json)`);
  if (result.credentialsFile)
    lines.push(`Passwords of created users were written to ${result.credentialsFile} (mode 0600).`);
  lines.push(`Journal: ${result.journalPath}`);
  if (result.interrupted)
    lines.push("Interrupted: run the same command again to finish; nothing will be applied twice.");
  else if (result.failed > 0)
    lines.push("Some writes failed after their retries: run the same command again to retry them.");
  else if (result.conflicted > 0)
    lines.push(
      "Some target values changed since planning and were left alone: make a new plan to review them.",
    );
  return lines.join("\n");
}

export function applyDocument(plan: Plan, result: ApplyResult) {
  return {
    version: 1 as const,
    categories: applyTable(plan, result),
    applied: result.applied,
    alreadyDone: result.alreadyDone,
    conflicts: result.conflicts,
    failures: result.failures,
    skips: result.skips,
    notStarted: result.notStarted,
    writesSent: result.writesSent,
    durationMs: result.durationMs,
    interrupted: result.interrupted,
    credentialsFile: result.credentialsFile,
    journal: result.journalPath,
  };
}

/** Said before connecting when a plan holds no action, so an empty run is not mistaken for a failure. */
export const NOTHING_TO_APPLY = "Nothing to apply: the target already holds everything the plan wants.";

/** The question before writing: what the plan changes and on which server. */
export function applyQuestion(plan: Plan, target: TargetServerInfo): string {
  return `${planTotalsLine(plan, "Apply")} to ${target.kind} "${target.serverName}" at ${target.url}?`;
}
