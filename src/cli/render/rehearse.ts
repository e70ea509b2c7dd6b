import { EXIT_OK } from "../../errors.js";
import type { DataRow, ItemChange, ListChange, PersonOutcome } from "../../pipeline/rehearsal-outcome.js";
import type { Rehearsal } from "../../pipeline/rehearse.js";
import type { SnapshotWritten } from "../../pipeline/snapshot.js";
import { comparedOf, summarizePlan } from "../../planner/index.js";
import { runExitCode } from "../report.js";
import { applyTable } from "./apply.js";
import { renderDrift } from "./drift.js";
import { comparedLines, formatValue, localTimeLines, nothingCompared, plural } from "./format.js";
import { planTotalsLine } from "./plan.js";

const FIELDS = ["played", "playCount", "lastPlayedAt", "positionMs", "rating", "isFavorite"] as const;
const LABELS: Record<(typeof FIELDS)[number], string> = {
  played: "played",
  playCount: "plays",
  lastPlayedAt: "last played",
  positionMs: "position",
  rating: "rating",
  isFavorite: "favorite",
};

/**
 * Whether the rehearsal says the real run would go through: the rehearsed apply ends as an
 * `apply` exiting 0 would (the same counting: no failure, conflict, interruption or action
 * left not started), no drift after it, and the copy planned what the real target did.
 */
export function rehearsalSucceeded(rehearsal: Rehearsal): boolean {
  const result = rehearsal.result;
  const clean = result !== null && runExitCode(result) === EXIT_OK;
  return clean && rehearsal.drift.length === 0 && rehearsal.mismatches.length === 0;
}

/** "played: no → yes, plays: 0 → 2" for the fields that differ. */
export function describeRow(before: DataRow, after: DataRow): string {
  return FIELDS.filter((field) => before[field] !== after[field])
    .map(
      (field) =>
        `${LABELS[field]}: ${formatValue(field, before[field])} → ${formatValue(field, after[field])}`,
    )
    .join(", ");
}

function entries(n: number): string {
  return plural(n, "entry", "entries");
}

function describeList(list: ListChange, noun: (n: number) => string): string {
  if (list.created) return `    + ${list.name}  (new, ${noun(list.after.length)})`;
  return `    ~ ${list.name}  ${noun(list.before.length)} → ${list.after.length}`;
}

function personLines(person: PersonOutcome, limit: number): string[] {
  const who = person.created ? "new user" : "existing user";
  const from = person.sources.length > 0 ? `; from Plex: ${person.sources.join(", ")}` : "";
  const lines = ["", `${person.name}  (${who}${from})`];
  if (person.items.length === 0 && person.playlists.length === 0) {
    lines.push("  nothing changes");
    return lines;
  }
  if (person.items.length > 0) {
    lines.push(`  ${plural(person.items.length, "item")} change:`);
    const rows = person.items.map(
      (change: ItemChange) => `    ~ ${change.title}  ${describeRow(change.before, change.after)}`,
    );
    lines.push(...rows.slice(0, limit));
    if (rows.length > limit) lines.push(`    … and ${rows.length - limit} more (see --json)`);
  }
  if (person.playlists.length > 0) {
    lines.push("  playlists:");
    for (const list of person.playlists) lines.push(describeList(list, entries));
  }
  return lines;
}

/**
 * The rehearsal for a person: what was read and that nothing was written, then per person
 * what the real server would hold afterwards as differences from today, collections, what
 * would fail or not be migrated, and one closing verdict.
 */
export function renderRehearsal(rehearsal: Rehearsal, options: { limit?: number } = {}): string {
  const limit = options.limit ?? 20;
  const { target, plan, result, counts } = rehearsal;
  const out: string[] = [];
  out.push(
    `Rehearsal against a private copy of ${target.kind} ${target.version} "${target.serverName}" (${target.url})`,
  );
  out.push(
    `Read it with ${plural(rehearsal.reads, "request")}, all reads (GET); nothing was sent that writes.`,
    ...localTimeLines(plan.source.localTimeZone),
    `The copy (${plural(counts.users, "user")}, ${plural(counts.libraries, "library", "libraries")}, ${plural(counts.items, "item")}, ${counts.itemsWithUserData} with user data, ${plural(counts.playlists, "playlist")}, ${plural(counts.collections, "collection")}) ran in a sandbox playing ${rehearsal.sandbox.kind} ${rehearsal.sandbox.version}.`,
  );

  out.push("", "What the server would hold afterwards, per person (differences from today):");
  for (const person of rehearsal.outcome.people) out.push(...personLines(person, limit));
  const unmigrated = plan.users.filter((user) => user.targetName === null);
  for (const user of unmigrated)
    out.push("", `${user.sourceName}  (Plex account; not migrated: ${user.rule})`);

  if (rehearsal.outcome.collections.length > 0) {
    out.push("", "Collections (shared by everyone)");
    for (const list of rehearsal.outcome.collections)
      out.push(describeList(list, (n) => plural(n, "member")));
  }

  const failures = [...(result?.failures ?? []), ...(result?.conflicts ?? [])];
  if (failures.length > 0) {
    out.push("", `Would fail (${failures.length})`);
    for (const issue of failures.slice(0, limit)) out.push(`  ✗ ${issue.title}: ${issue.reason}`);
    if (failures.length > limit) out.push(`  … and ${failures.length - limit} more (see --json)`);
  }
  if (plan.limitations.length > 0) {
    out.push("", "Would not migrate (what this server cannot take)");
    for (const limitation of plan.limitations) out.push(`  ! ${limitation}`);
  }
  const summary = summarizePlan(plan);
  const skipped = Object.values(summary.skipped).reduce((sum, n) => sum + n, 0);
  out.push(
    "",
    ...comparedLines(comparedOf(plan), plan.unmatched.length, {
      users: "pass the --user-map (or --create-users) the migration will use",
      items: "`plexodus plan` lists each with its reason",
    }),
  );
  if (skipped > 0)
    out.push(`Skipped: ${plural(skipped, "thing")}; \`plexodus plan\` lists each with its reason.`);
  if (rehearsal.mismatches.length > 0) {
    out.push(
      "",
      `The copy did not lead to the same plan as the real server (${rehearsal.mismatches.length}); the rehearsal cannot speak for these:`,
    );
    for (const mismatch of rehearsal.mismatches.slice(0, limit)) {
      out.push(
        `  ? ${mismatch.title}  (only in the plan against the ${mismatch.only === "real" ? "real server" : "copy"})`,
      );
    }
  }
  if (rehearsal.drift.length > 0)
    out.push("", "After the rehearsed run, verify would still find:", renderDrift(rehearsal.drift).trimEnd());

  out.push("", planTotalsLine(plan, "Rehearsed"));
  out.push(verdict(rehearsal));
  return `${out.join("\n")}\n`;
}

function verdict(rehearsal: Rehearsal): string {
  const url = rehearsal.target.url;
  const nothing = nothingCompared(comparedOf(rehearsal.plan));
  if (nothing !== null && rehearsalSucceeded(rehearsal)) {
    return `Nothing was compared: ${nothing}, so the rehearsal says nothing about a migration. Nothing was written to ${url}.`;
  }
  if (rehearsalSucceeded(rehearsal)) {
    return `The real migration would end with no failure and no drift. Nothing was written to ${url}; run \`plexodus migrate\` with the same options to do it.`;
  }
  const failed = (rehearsal.result?.failed ?? 0) + (rehearsal.result?.conflicted ?? 0);
  const notStarted = rehearsal.result?.notStarted ?? 0;
  const reasons = [
    failed > 0 ? `${plural(failed, "change")} would fail` : null,
    rehearsal.drift.length > 0
      ? `${plural(rehearsal.drift.length, "thing")} would still differ afterwards`
      : null,
    rehearsal.mismatches.length > 0 ? "the copy did not reproduce the plan exactly" : null,
    rehearsal.result === null || rehearsal.result.interrupted ? "the rehearsal was interrupted" : null,
    notStarted > 0
      ? `${plural(notStarted, "change")} ${notStarted === 1 ? "was" : "were"} not started`
      : null,
  ].filter((reason) => reason !== null);
  return `Something would go wrong: ${reasons.join("; ")} (listed above). Nothing was written to ${url}.`;
}

/** The `rehearse --json` document (docs/json-output.md). */
export function rehearsalDocument(rehearsal: Rehearsal) {
  const { plan, result } = rehearsal;
  return {
    version: 1 as const,
    command: "rehearse",
    succeeded: rehearsalSucceeded(rehearsal),
    target: {
      kind: rehearsal.target.kind,
      version: rehearsal.target.version,
      serverName: rehearsal.target.serverName,
      url: rehearsal.target.url,
    },
    sandbox: rehearsal.sandbox,
    // Every one a GET: the pipeline stops any other request before it leaves.
    realTarget: { requests: rehearsal.reads },
    snapshot: rehearsal.counts,
    summary: summarizePlan(plan),
    categories: result === null ? null : applyTable(plan, result),
    failures: result?.failures ?? [],
    conflicts: result?.conflicts ?? [],
    people: rehearsal.outcome.people,
    collections: rehearsal.outcome.collections,
    unmatched: plan.unmatched,
    skipped: plan.skipped,
    limitations: plan.limitations,
    drift: rehearsal.drift,
    mismatches: rehearsal.mismatches,
  };
}

/** What `sandbox --snapshot-from` wrote, and how to start it. */
export function snapshotWrittenLines(written: SnapshotWritten): string[] {
  const { target, counts } = written;
  const chosen =
    written.chosenBy === "source"
      ? "the users and libraries the configured Plex source maps to, as `rehearse` reads them"
      : "the target users and libraries the scope options name (all when none)";
  return [
    `Wrote a snapshot of ${target.kind} ${target.version} "${target.serverName}" to ${written.path} (mode 0600).`,
    `It holds ${plural(counts.users, "user")}, ${plural(counts.libraries, "library", "libraries")}, ${plural(counts.items, "item")} (${counts.itemsWithUserData} with user data), ${plural(counts.playlists, "playlist")} and ${plural(counts.collections, "collection")}: ${chosen}. No password, API key or token is in it.`,
    `Read with ${plural(written.reads, "request")} to ${target.url}, all reads (GET); nothing was written there.`,
    `Start it with: plexodus sandbox --kind ${target.kind} --version ${written.sandboxVersion} --library ${written.path}`,
  ];
}
