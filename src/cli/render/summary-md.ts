import { localTimeLines } from "./format.js";
import type { CountRow, Listed, ReportData, WeakRow } from "./report/data.js";
import { comparedSentences, describeMoved, STAGE_WORDS } from "./report/words.js";

/** Rows per list: a CI job summary is read at a glance (and GitHub caps it at 1 MiB). */
export const SUMMARY_MD_ROWS = 50;

/**
 * The report's essentials as GitHub-flavoured Markdown, for CI job summaries
 * (`--summary-md "$GITHUB_STEP_SUMMARY"`): who, what moved, what did not and why.
 */
export function renderSummaryMarkdown(data: ReportData): string {
  const { source, target, totals } = data;
  const out: string[] = [
    `## plexodus ${data.command}: ${STAGE_WORDS[data.stage]}`,
    "",
    `**Source:** Plex${source.serverName ? ` “${text(source.serverName)}”` : ""} (${source.kind}) → ` +
      `**Target:** ${target.kind} ${target.version} “${text(target.serverName)}” at ${text(target.url)}`,
    "",
    `**${data.stage === "verify" ? "Drift" : "Changes"}:** ${totals.changes} (${Object.entries(
      totals.byCategory,
    )
      .map(([category, n]) => `${category} ${n}`)
      .join(", ")})`,
  ];
  const run = totals.run;
  if (run) {
    out.push(
      "",
      `**Outcome:** applied ${run.applied}, already in place ${run.alreadyDone}, conflicts ${run.conflicted}, ` +
        `failed ${run.failed}, skipped ${run.skipped}, not started ${run.notStarted}${run.interrupted ? " (interrupted)" : ""}`,
    );
  }
  out.push("", `**Options:** ${data.options.map((o) => `${o.name} ${text(o.value)}`).join(" · ")}`);
  // The same sentences plan and verify print: "no changes" only of what was compared.
  out.push("", ...markdownLines([...comparedSentences(data), ...localTimeLines(data.source.localTime)]));

  out.push("", "### People", "");
  const categories = ["watched", "progress", "ratings", "playlists"];
  out.push(
    `| person | from Plex | ${categories.join(" | ")} | not moved | unmatched |`,
    `|---|---|${categories.map(() => "---:|").join("")}---:|---:|`,
  );
  for (const person of data.people) {
    const counts = categories.map((category) => {
      const row = person.counts.find((r) => r.category === category);
      return row ? countCell(row, data.stage) : "";
    });
    const name = person.migrated ? text(person.name) : `${text(person.name)} (not migrated: ${person.rule})`;
    out.push(
      `| ${name} | ${text(person.sources.join(", "))} | ${counts.join(" | ")} | ${person.issues.total} | ${person.unmatched?.total ?? "—"} |`,
    );
  }
  out.push("", countsLegend(data.stage));
  for (const person of data.people) {
    if (!person.migrated) continue;
    out.push("", `- **${text(person.name)}**: ${text(describeMoved(person.moved, data.stage))}`);
  }

  const issues = data.people.flatMap((person) =>
    person.issues.rows.map((row) => [person.name, row.title, row.outcome, row.reason]),
  );
  const issueTotal = data.people.reduce((sum, person) => sum + person.issues.total, 0);
  if (issueTotal > 0) {
    out.push(
      "",
      `### ${data.stage === "verify" ? "Drift" : "Not moved"} (${issueTotal})`,
      "",
      ...table(["person", "title", "outcome", "reason"], { total: issueTotal, rows: issues }),
    );
  }
  const reasons = Object.entries(data.unmatched.byReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  out.push("", `### Unmatched items: ${data.unmatched.total}${reasons ? ` (${reasons})` : ""}`);
  if (data.unmatched.total > 0) {
    out.push(
      "",
      "<details><summary>List</summary>",
      "",
      ...table(["title", "library", "reason", "detail"], {
        total: data.unmatched.total,
        rows: data.unmatched.rows.map((r) => [r.title, r.library, r.reason, r.detail]),
      }),
      "",
      "</details>",
    );
  }
  const review = (heading: string, listed: Listed<WeakRow> | null) => {
    if (!listed || listed.total === 0) return;
    out.push(
      "",
      `### ${heading}: ${listed.total}`,
      "",
      ...table(["title", "year", "library", "target item"], {
        total: listed.total,
        rows: listed.rows.map((r) => [
          r.title,
          r.year === null ? "" : String(r.year),
          r.library,
          r.target ?? "—",
        ]),
      }),
    );
  };
  review("Weak matches to review (title + year only)", data.weakMatches);
  review("Conflicting evidence, the first rule won: check these", data.conflictingMatches);
  if (data.skipped.total > 0) {
    out.push(
      "",
      `### Skipped: ${data.skipped.total}`,
      "",
      ...table(["category", "subject", "reason", "detail"], {
        total: data.skipped.total,
        rows: data.skipped.rows.map((r) => [r.category, r.subject, r.reason, r.detail]),
      }),
    );
  }
  if (data.limitations.length > 0) {
    out.push("", "### Limitations of the target", "", ...data.limitations.map((line) => `- ${text(line)}`));
  }
  for (const note of data.notes) out.push("", `> ${text(note)}`);
  return `${out.join("\n")}\n`;
}

/** Plain lines as Markdown: indented ones become list items under the line before them. */
function markdownLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith("  ")) out.push(`- ${text(line.trim())}`);
    else out.push(...(out.length > 0 ? [""] : []), text(line));
  }
  return out;
}

/** "10 → 15 (+5)" when the counts are known, else the changes (and how many were confirmed). */
function countCell(row: CountRow, stage: ReportData["stage"]): string {
  if (row.before !== null && row.after !== null) {
    const delta = row.after - row.before;
    return `${row.before} → ${row.after}${delta !== 0 ? ` (${delta > 0 ? "+" : ""}${delta})` : ""}`;
  }
  if (stage === "verify") return row.changes === 0 ? "ok" : `${row.changes} drift`;
  if (row.confirmed !== null) return `${row.confirmed} of ${row.changes}`;
  return String(row.changes);
}

function countsLegend(stage: ReportData["stage"]): string {
  if (stage === "verify")
    return "_Counts: items that disagree with what the migration should have produced._";
  return stage === "plan"
    ? "_Counts: on the target now → after the plan (among the items the migration looks at), or changes planned._"
    : "_Counts: on the target before → after (among the items the migration looked at), or confirmed of planned changes._";
}

function table(columns: string[], listed: Listed<string[]>): string[] {
  const rows = listed.rows.slice(0, SUMMARY_MD_ROWS);
  const lines = [
    `| ${columns.join(" | ")} |`,
    `|${columns.map(() => "---|").join("")}`,
    ...rows.map((cells) => `| ${cells.map(text).join(" | ")} |`),
  ];
  if (listed.total > rows.length)
    lines.push("", `_… and ${listed.total - rows.length} more: see the HTML report or \`--json\`._`);
  return lines;
}

/** A table cell or inline text: no line breaks, pipes escaped, HTML tags shown as text. */
function text(value: string): string {
  return value.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
