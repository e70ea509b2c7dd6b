import type { ApplyResult, ResumeState } from "../../executor/index.js";
import type { TargetServerInfo } from "../../model/index.js";
import { CATEGORIES, type Category, categoriesAt, type Plan } from "../../planner/index.js";
import { planTotalsLine } from "./plan.js";

type Row = {
  planned: number;
  done: number;
  conflicts: number;
  failed: number;
  skipped: number;
  notStarted: number;
};

/**
 * Per-category outcome of a run. An action counts in every category it touches. Done means
 * confirmed: applied now or found already in place; an interrupted run's remaining actions
 * are "not started", never done.
 */
export function applyTable(plan: Plan, result: ApplyResult): Record<Category, Row> {
  const table = Object.fromEntries(
    CATEGORIES.map((c) => [c, { planned: 0, done: 0, conflicts: 0, failed: 0, skipped: 0, notStarted: 0 }]),
  ) as Record<Category, Row>;
  // By type and categories alone: a packed action is not made just to be counted.
  for (let place = 0; place < plan.actions.length; place++) {
    const column = COLUMN_OF[result.outcomes.at(place)];
    for (const category of categoriesAt(plan.actions, place)) {
      table[category].planned += 1;
      table[category][column] += 1;
    }
  }
  return table;
}

/** The table's column for each outcome: done means confirmed (applied now or found in place). */
const COLUMN_OF: Record<ReturnType<ApplyResult["outcomes"]["at"]>, Exclude<keyof Row, "planned">> = {
  applied: "done",
  "already-done": "done",
  conflict: "conflicts",
  failed: "failed",
  skipped: "skipped",
  "not-started": "notStarted",
};

const COLUMNS: [keyof Row, string][] = [
  ["planned", "planned"],
  ["done", "done"],
  ["conflicts", "conflicts"],
  ["failed", "failed"],
  ["skipped", "skipped"],
  ["notStarted", "not started"],
];

/** Said before applying when the journal already holds part of this plan (a rerun). */
export function resumeLine(resume: ResumeState, journalPath: string): string {
  const total = resume.done + resume.remaining;
  return `Resuming: the journal ${journalPath} already holds ${resume.done} of this plan's ${total} actions as done; ${resume.remaining} remain (each is re-checked on the target first).`;
}

export function renderApplyResult(plan: Plan, result: ApplyResult): string {
  const table = applyTable(plan, result);
  const lines: string[] = [];
  const head = ["category", ...COLUMNS.map(([, label]) => label)];
  const rows = CATEGORIES.map((c) => [c, ...COLUMNS.map(([column]) => String(table[c][column]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  lines.push(fmt(head));
  for (const row of rows) lines.push(fmt(row));
  lines.push("");
  lines.push(
    `Applied ${result.applied}, already in place ${result.alreadyDone}, conflicts ${result.conflicted}, failed ${result.failed}, skipped ${result.skipped}` +
      (result.notStarted > 0 ? `, not started ${result.notStarted}` : "") +
      ` — ${result.writesSent} writes in ${(result.durationMs / 1000).toFixed(1)}s` +
      (result.retryPasses > 0
        ? ` (${result.retryPasses} retry ${result.retryPasses === 1 ? "pass" : "passes"} over actions that failed while the target was busy).`
        : "."),
  );
  for (const issue of result.conflicts.slice(0, 20))
    lines.push(`  conflict: ${issue.title}: ${issue.reason}`);
  for (const issue of result.failures.slice(0, 20)) lines.push(`  failed:   ${issue.title}: ${issue.reason}`);
  const more = result.conflicts.length + result.failures.length - 40;
  if (more > 0) lines.push(`  … and ${more} more (see --json)`);
  if (result.passwordsSet.length > 0)
    lines.push(
      `Set the password of ${result.passwordsSet.length === 1 ? "a user" : "users"} an earlier run created without one: ${result.passwordsSet.join(", ")}.`,
    );
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
    resume: result.resume,
    retryPasses: result.retryPasses,
    passwordsSet: result.passwordsSet,
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
