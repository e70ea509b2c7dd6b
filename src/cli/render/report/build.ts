import type { ApplyResult } from "../../../executor/index.js";
import { packageVersion } from "../../../paths.js";
import {
  comparedOf,
  countActions,
  type Plan,
  type ReviewMatch,
  summarizePlan,
} from "../../../planner/index.js";
import { actionTitle, countDelta, OUTCOME_WORDS } from "./changes.js";
import type { CountRow, IssueRow, ReportData, ReportOption, WeakRow } from "./data.js";
import { listed, perPersonLimit, REPORT_LIMITS } from "./limits.js";
import { isConfirmed, outcomeOf } from "./moved.js";
import { buildPeople } from "./people.js";
import { type ReadSides, sourceFacts } from "./source-facts.js";

export interface ReportInput {
  /** The command that ran, named in the title. */
  command: string;
  /** plan: what would change; apply: what the target confirmed; verify: drift found. */
  stage: ReportData["stage"];
  plan: Plan;
  /** Both sides as this run read them; absent when it ran a saved plan (`apply --plan`). */
  sides?: ReadSides | undefined;
  /** The apply's result (stage "apply"). */
  result?: ApplyResult | null | undefined;
  /** Options that shaped the run (reportOptions). */
  options: ReportOption[];
  now?: Date;
}

/**
 * Gathers what a report says from a run's data. Only the plan's and the scoped snapshot's
 * titles and names can appear, so excluded libraries and people never do; no secret is read.
 */
export function buildReport(input: ReportInput): ReportData {
  const { plan, stage } = input;
  const result = stage === "apply" ? input.result : null;
  const outcome = outcomeOf(result);
  const facts = input.sides ? sourceFacts(plan, input.sides) : null;
  const reasons = new Map<string, string>();
  for (const issue of [...(result?.conflicts ?? []), ...(result?.failures ?? []), ...(result?.skips ?? [])])
    reasons.set(issue.key, issue.reason);
  const people = buildPeople({
    plan,
    stage,
    outcome,
    reasons,
    facts,
    limit: perPersonLimit(plan.users.length),
  });

  const collectionActions = plan.actions.filter(
    (action) => action.type === "create-collection" || action.type === "add-collection-members",
  );
  const confirmed = collectionActions.filter((action) => isConfirmed(outcome(action)));
  const before = facts ? facts.collections.onTarget : null;
  const landed = stage === "plan" ? collectionActions : stage === "apply" ? confirmed : null;
  const collections: CountRow = {
    category: "collections",
    inPlex: facts ? facts.collections.inPlex : null,
    inPlexNote: null,
    before,
    changes: collectionActions.length,
    confirmed: stage === "apply" ? confirmed.length : null,
    after:
      before === null || landed === null
        ? null
        : landed.reduce((sum, action) => sum + countDelta(action, "collections"), before),
  };
  const collectionIssues: IssueRow[] = collectionActions.flatMap((action) => {
    const how = outcome(action);
    if (stage === "verify") {
      return [
        {
          title: actionTitle(action),
          categories: "collections",
          outcome: "drift",
          reason: "missing on the target",
        },
      ];
    }
    if (how === "planned" || isConfirmed(how)) return [];
    return [
      {
        title: actionTitle(action),
        categories: "collections",
        outcome: OUTCOME_WORDS[how] ?? how,
        reason: reasons.get(action.key) ?? "the run stopped before this action",
      },
    ];
  });

  const summary = summarizePlan(plan);
  const notes: string[] = [];
  if (!facts) {
    notes.push(
      "This run executed a saved plan, which holds no source counts and no target state: " +
        "`plexodus plan --report FILE` shows them (counts in Plex and on the target, unmatched items and weak matches per person, items matched per library).",
    );
  }
  const cut = (what: string, total: number, shown: number) => {
    if (total > shown)
      notes.push(`${what}: the first ${shown} of ${total} are listed; \`plan --json\` lists all.`);
  };
  const unmatched = listed(
    plan.unmatched.map(({ title, kind, library, reason, detail }) => ({
      title,
      kind,
      library,
      reason,
      detail,
    })),
    REPORT_LIMITS.globalRows,
  );
  cut("Unmatched items", unmatched.total, unmatched.rows.length);
  const skipped = listed(
    plan.skipped.map((skip) => ({ ...skip, count: skip.count ?? 1 })),
    REPORT_LIMITS.globalRows,
  );
  // The plan's match report names the target item of each pairing to check; older plans
  // (and plans made without it) leave the source-side list.
  const matching = plan.matching;
  const weakMatches = matching
    ? listed(matching.titleYear.map(reviewRow), REPORT_LIMITS.globalRows)
    : facts
      ? listed(facts.weak, REPORT_LIMITS.globalRows)
      : null;
  if (weakMatches) cut("Weak matches", weakMatches.total, weakMatches.rows.length);
  const conflictingMatches = matching
    ? listed(matching.conflicts.map(reviewRow), REPORT_LIMITS.globalRows)
    : null;
  // Without a source read, the plan's totals stand in for the per-library chart.
  const rulesByLibrary = facts
    ? facts.rulesByLibrary
    : matching
      ? [{ library: "all selected libraries", byRule: matching.byRule, missed: matching.unmatched }]
      : null;

  return {
    version: 1,
    command: input.command,
    stage,
    generatedAt: (input.now ?? new Date()).toISOString(),
    toolVersion: packageVersion(),
    source: {
      kind: plan.source.kind,
      serverName: plan.source.serverName,
      schemaVersion: input.sides?.snapshot.source.schemaVersion ?? null,
      localTime: plan.source.localTimeZone ?? null,
    },
    target: {
      kind: plan.target.kind,
      version: plan.target.version,
      serverName: plan.target.serverName,
      url: plan.target.url,
    },
    options: input.options,
    totals: {
      changes: plan.actions.length,
      byCategory: countActions(plan.actions),
      run: result
        ? {
            applied: result.applied,
            alreadyDone: result.alreadyDone,
            conflicted: result.conflicted,
            failed: result.failed,
            skipped: result.skipped,
            notStarted: result.notStarted,
            writesSent: result.writesSent,
            durationMs: result.durationMs,
            interrupted: result.interrupted,
          }
        : null,
    },
    people,
    collections: { counts: collections, issues: listed(collectionIssues, REPORT_LIMITS.globalRows) },
    unmatched: { ...unmatched, byReason: summary.unmatched.byReason },
    skipped,
    weakMatches,
    conflictingMatches,
    compared: comparedOf(plan),
    limitations: plan.limitations,
    charts: {
      rulesByLibrary,
      watchedByPerson: people
        .filter((person) => person.migrated)
        .map((person) => {
          const watched = person.counts.find((row) => row.category === "watched")!;
          return {
            name: person.name,
            inPlex: watched.inPlex,
            before: watched.before,
            after: watched.after,
            markedPlayed: person.moved.played,
          };
        }),
      latestPlayByYear: facts ? facts.latestPlayByYear : null,
    },
    notes,
  };
}

/** A pairing of the plan's match report as a table row: the Plex title holds its year. */
function reviewRow(match: ReviewMatch): WeakRow {
  return {
    title: match.title,
    year: null,
    kind: match.kind,
    library: match.library,
    target: match.targetTitle,
  };
}
