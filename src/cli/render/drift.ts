import { comparedOf, type DriftEntry, type Plan, summarizePlan } from "../../planner/index.js";
import { CATEGORY_FIELDS, comparedLines, describeChange, nothingCompared, plural } from "./format.js";

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

/**
 * `verify`'s human report: the drift (or that there is none), what was compared and what was
 * not, and what the target cannot hold. "No drift" is only said of what was compared: an
 * account verify could not pair (run without the migration's --user-map) or an item with no
 * target item was not looked at (issue 13 item 6).
 */
export function renderVerify(plan: Plan, drift: readonly DriftEntry[]): string[] {
  const compared = comparedOf(plan);
  const lines = comparedLines(compared, plan.unmatched.length, {
    users: "give verify the migration's --user-map (and --create-users)",
    items: "see `plexodus plan`",
  });
  const out: string[] = [];
  if (drift.length === 0) {
    const nothing = nothingCompared(compared);
    if (nothing !== null) out.push(`Nothing was compared: ${nothing}.`);
    else if (lines.length === 1)
      out.push("No drift: the target holds everything the migration should have produced.");
    else out.push("No drift in what was compared: the target holds what the migration should have produced.");
  } else {
    out.push(renderDrift(drift).trimEnd());
  }
  out.push(...lines);
  // "No drift" on a target that could not take everything must not read as "all migrated".
  if (plan.limitations.length > 0) {
    out.push(
      "Limitations (what the target cannot hold or the source cannot tell, so verify cannot expect it):",
    );
    for (const limitation of plan.limitations) out.push(`  ! ${limitation}`);
  }
  return out;
}

/** The `verify --json` document (docs/json-output.md). */
export function verifyDocument(plan: Plan, drift: readonly DriftEntry[]) {
  const summary = summarizePlan(plan);
  return {
    version: 1,
    command: "verify",
    drift: drift.length,
    summary: {
      drift: summary.planned,
      byKind: summary.byKind,
      skipped: summary.skipped,
      unmatched: summary.unmatched,
      compared: summary.compared,
    },
    entries: drift,
    unmatched: plan.unmatched,
    limitations: plan.limitations,
  };
}
