import { type DriftEntry, type Plan, summarizePlan } from "../../planner/index.js";
import { CATEGORY_FIELDS, describeChange, plural } from "./format.js";

function describeEntry(entry: DriftEntry): string {
  switch (entry.kind) {
    case "user-missing":
      return "target user does not exist";
    case "user-data": {
      const before = Object.fromEntries(entry.fields.map((f) => [f.field, f.actual]));
      const set = Object.fromEntries(entry.fields.map((f) => [f.field, f.expected]));
      return entry.categories
        .filter((category) => category in CATEGORY_FIELDS)
        .map((category) =>
          describeChange({ before: before as never, set: set as never }, category, "≠ expected"),
        )
        .join(", ");
    }
    case "playlist-missing":
      return `playlist missing (${plural(entry.missing, "entry", "entries")} expected)`;
    case "playlist-entries-missing":
      return `${plural(entry.missing, "entry", "entries")} missing`;
    case "collection-missing":
      return `collection missing (${plural(entry.missing, "member")} expected)`;
    case "collection-members-missing":
      return `${plural(entry.missing, "member")} missing`;
  }
}

/** The drift list for humans: "alice  The Matrix (1999)  played: no ≠ expected yes". */
export function renderDrift(entries: readonly DriftEntry[], options: { limit?: number } = {}): string {
  const limit = options.limit ?? 50;
  if (entries.length === 0) return "No drift: the target holds what the migration should have produced.\n";
  const lines = [`Drift (${entries.length})`];
  for (const entry of entries.slice(0, limit)) {
    lines.push(`  ${entry.user ?? "(collections)"}  ${entry.title}  ${describeEntry(entry)}`);
  }
  if (entries.length > limit) lines.push(`  … and ${entries.length - limit} more (see --json)`);
  return `${lines.join("\n")}\n`;
}

/** `verify`'s human report: the drift (or that there is none) and what the target cannot hold. */
export function renderVerify(plan: Plan, drift: readonly DriftEntry[]): string[] {
  const lines: string[] = [];
  if (drift.length === 0) {
    lines.push("No drift: the target holds everything the migration should have produced.");
    if (plan.unmatched.length > 0) {
      lines.push(`(${plan.unmatched.length} source items have no target item; see \`plexodus plan\`.)`);
    }
  } else {
    lines.push(renderDrift(drift));
  }
  // "No drift" on a target that could not take everything must not read as "all migrated".
  if (plan.limitations.length > 0) {
    lines.push("Limitations (what this target cannot hold, so verify cannot expect it):");
    for (const limitation of plan.limitations) lines.push(`  ! ${limitation}`);
  }
  return lines;
}

/** The `verify --json` document (docs/json-output.md). */
export function verifyDocument(plan: Plan, drift: readonly DriftEntry[]) {
  const summary = summarizePlan(plan);
  return {
    version: 1,
    command: "verify",
    drift: drift.length,
    summary: { drift: summary.planned, skipped: summary.skipped, unmatched: summary.unmatched },
    entries: drift,
    unmatched: plan.unmatched,
    limitations: plan.limitations,
  };
}
