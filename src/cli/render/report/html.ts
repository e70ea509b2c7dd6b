import { localTimeLines } from "../format.js";
import { rulesChart, watchedChart, yearsChart } from "./charts.js";
import type { CountRow, Listed, Person, ReportData, RunTotals, WeakRow } from "./data.js";
import { esc } from "./escape.js";
import { CSP, SCRIPT, STYLE } from "./style.js";
import { comparedSentences, describeMoved, IN_PLEX_NOTES, STAGE_WORDS } from "./words.js";

/**
 * The HTML report: one self-contained file (inline CSS, SVG and a small sorting script, a
 * Content Security Policy that forbids loading anything), readable offline and printable.
 * Takes plain data, so every command that can fill ReportData gets the same report.
 */
export function renderReport(data: ReportData): string {
  const title = `plexodus ${data.command} report — ${data.target.kind} “${data.target.serverName}”`;
  const body = [
    header(data),
    overview(data),
    charts(data),
    `<section id="people"><h2>People (${data.people.length})</h2>${data.people.map((p, i) => person(data, p, i)).join("")}</section>`,
    collections(data),
    unmatched(data),
    skipped(data),
    weak(data),
    limitations(data),
    footer(data),
  ].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function header(data: ReportData): string {
  const links = [
    ["overview", "Overview"],
    ["charts", "Charts"],
    ["people", "People"],
    ["collections", "Collections"],
    ["unmatched", "Unmatched"],
    ["skipped", "Skipped"],
    ["weak", "Weak matches"],
    ["limitations", "Limitations"],
  ];
  return `<header><h1>plexodus ${esc(data.command)} report</h1>
<p class="muted">${esc(STAGE_WORDS[data.stage])} · generated ${esc(data.generatedAt.replace("T", " ").slice(0, 19))} UTC · plexodus ${esc(data.toolVersion)}</p>
<nav>${links.map(([id, text]) => `<a href="#${id}">${text}</a>`).join("")}</nav></header>`;
}

function overview(data: ReportData): string {
  const { source, target, totals } = data;
  const cards = [
    card(
      "Source",
      `Plex${source.serverName ? ` “${source.serverName}”` : ""}`,
      `${source.kind}${source.schemaVersion ? `, schema ${source.schemaVersion}` : ""}${
        source.localTime ? `, local-time dates read as ${source.localTime.zone}` : ""
      }`,
    ),
    card("Target", `${target.kind} ${target.version}`, `“${target.serverName}” at ${target.url}`),
    card(
      data.stage === "verify" ? "Drift" : "Changes",
      String(totals.changes),
      Object.entries(totals.byCategory)
        .map(([category, n]) => `${category} ${n}`)
        .join(", "),
    ),
  ];
  if (totals.run) cards.push(card("Outcome", runHeadline(totals.run), runDetail(totals.run)));
  cards.push(comparedCard(data));
  const options = data.options
    .map((o) => `<tr><th>${esc(o.name)}</th><td>${esc(o.value)}</td></tr>`)
    .join("");
  return `<section id="overview"><h2>Overview</h2><div class="cards">${cards.join("")}</div>${comparedBlock(data)}
<h3>Options that shaped the run</h3><table class="kv"><tbody>${options}</tbody></table></section>`;
}

function card(label: string, value: string, detail: string): string {
  return `<div class="card"><span class="muted">${esc(label)}</span><b>${esc(value)}</b><span>${esc(detail)}</span></div>`;
}

/** "2 of 3 accounts": the card; the sentences under the cards say who and what was left out. */
function comparedCard(data: ReportData): string {
  const { users, items } = data.compared;
  const accounts = `${users.compared} of ${users.compared + users.notCompared} ${users.compared + users.notCompared === 1 ? "account" : "accounts"}`;
  return card(
    "Compared",
    accounts,
    items
      ? `${items.matched} of ${items.matched + items.unmatched} Plex items paired with a target item`
      : "",
  );
}

/** The plan's and verify's own sentences about what was compared, and the zone dates were read in. */
function comparedBlock(data: ReportData): string {
  const out: string[] = [];
  let nested: string[] = [];
  const flush = () => {
    if (nested.length > 0) out.push(`<ul>${nested.map((line) => `<li>${esc(line)}</li>`).join("")}</ul>`);
    nested = [];
  };
  for (const line of [...comparedSentences(data), ...localTimeLines(data.source.localTime)]) {
    if (line.startsWith("  ")) nested.push(line.trim());
    else {
      flush();
      out.push(`<p>${esc(line)}</p>`);
    }
  }
  flush();
  return `<div class="compared">${out.join("")}</div>`;
}

function runHeadline(run: RunTotals): string {
  const open = run.conflicted + run.failed + run.notStarted;
  return open === 0 ? "complete" : run.interrupted ? "interrupted" : `${open} left to do`;
}

function runDetail(run: RunTotals): string {
  return (
    `applied ${run.applied}, already in place ${run.alreadyDone}, conflicts ${run.conflicted}, failed ${run.failed}, ` +
    `skipped ${run.skipped}, not started ${run.notStarted} — ${run.writesSent} writes in ${(run.durationMs / 1000).toFixed(1)} s`
  );
}

function charts(data: ReportData): string {
  const { rulesByLibrary, watchedByPerson, latestPlayByYear } = data.charts;
  const missing = (what: string) =>
    `<p class="muted">${esc(what)}: not known in this run (a saved plan holds no match results or history); see <code>plexodus plan --report</code>.</p>`;
  const figures = [
    rulesByLibrary
      ? figure(
          rulesChart(rulesByLibrary),
          "Items per library matched by each rule (SEMANTICS §2: external ids first, title + year last and weakest).",
        )
      : missing("Items per library matched by each rule"),
    watchedByPerson.length > 0
      ? figure(
          watchedChart(watchedByPerson),
          "Watched items per person. On the target: among the items this migration looked at for the person.",
        )
      : `<p class="muted">No person is migrated in this run.</p>`,
    latestPlayByYear
      ? latestPlayByYear.length > 0
        ? figure(
            yearsChart(latestPlayByYear),
            "History: items per year of their latest play. Plex keeps each item's play count and latest date, not the date of every play, so each item counts once, in the year it was last played.",
          )
        : `<p class="muted">The source holds no play history for the people in scope.</p>`
      : missing("History plays per year"),
  ];
  return `<section id="charts"><h2>Charts</h2>${figures.join("")}</section>`;
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

const COUNT_COLUMNS: Array<{ key: keyof CountRow; label: Record<ReportData["stage"], string> }> = [
  { key: "inPlex", label: { plan: "in Plex", apply: "in Plex", verify: "in Plex" } },
  { key: "before", label: { plan: "on target now", apply: "on target before", verify: "on target now" } },
  { key: "changes", label: { plan: "changes planned", apply: "changes planned", verify: "drift" } },
  { key: "confirmed", label: { plan: "confirmed", apply: "confirmed", verify: "confirmed" } },
  { key: "after", label: { plan: "after the plan", apply: "on target after", verify: "after" } },
];

function countsTable(rows: readonly CountRow[], stage: ReportData["stage"]): string {
  const columns = COUNT_COLUMNS.filter((column) =>
    rows.some((row) => row[column.key] !== null || (column.key === "inPlex" && row.inPlexNote !== null)),
  );
  const head = `<tr><th>category</th>${columns.map((c) => `<th class="n">${c.label[stage]}</th>`).join("")}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr><td>${esc(row.category)}</td>${columns.map((c) => `<td class="n">${esc(countCell(row, c.key))}</td>`).join("")}</tr>`,
    )
    .join("");
  const notes = [...new Set(rows.flatMap((row) => (row.inPlexNote ? [row.inPlexNote] : [])))];
  const footnote = notes.map((note) => `<p class="muted">In Plex, ${esc(IN_PLEX_NOTES[note])}.</p>`);
  return `<table class="counts"><thead>${head}</thead><tbody>${body}</tbody></table>${footnote.join("")}`;
}

function countCell(row: CountRow, key: keyof CountRow): string {
  if (key === "inPlex" && row.inPlexNote === "unknown") return "unknown";
  const value = row[key] ?? "—";
  return key === "inPlex" && row.inPlexNote === "from plays" ? `${value} (from plays)` : String(value);
}

function person(data: ReportData, p: Person, index: number): string {
  const from = p.sources.join(", ");
  const how = p.migrated ? (p.created ? "created" : `paired by ${p.rule}`) : `not migrated (${p.rule})`;
  const head = `<h3>${esc(p.name)} <small>from Plex ${esc(from)} · ${esc(how)}</small></h3>`;
  if (!p.migrated) {
    const why = p.skipped.map((s) => `${s.reason}: ${s.detail}`).join("; ");
    return `<article class="person" id="person-${index}">${head}<p class="bad">${esc(why || "no target user for this account")}</p></article>`;
  }
  const moved = `<p>${esc(describeMoved(p.moved, data.stage))}</p>`;
  const issues = p.issues.total;
  const parts = [
    head,
    moved,
    countsTable(p.counts, data.stage),
    list(
      data.stage === "plan" ? "What would move" : "What moved",
      p.changes,
      ["title", "categories", "change", "outcome"],
      (r) => [r.title, r.categories, r.change, r.outcome],
    ),
    list(
      data.stage === "verify" ? "Drift: what the target does not hold" : "What did not move, and why",
      p.issues,
      ["title", "categories", "outcome", "reason"],
      (r) => [r.title, r.categories, r.outcome, r.reason],
      issues > 0 && issues <= 50,
    ),
    p.unmatched
      ? list(
          "Unmatched items this person has history for",
          p.unmatched,
          ["title", "kind", "library", "reason", "detail"],
          (r) => [r.title, r.kind, r.library, r.reason, r.detail],
        )
      : "",
    p.weak
      ? list(
          "Weak matches to review (title + year only)",
          p.weak,
          ["title", "year", "kind", "library", "target item"],
          (r) => [r.title, r.year ?? "", r.kind, r.library, r.target ?? "—"],
        )
      : "",
    p.skipped.length > 0
      ? `<p><b>Skipped:</b> ${p.skipped.map((s) => esc(`${s.category}: ${s.reason} — ${s.detail}`)).join("; ")}</p>`
      : "",
  ];
  return `<article class="person" id="person-${index}">${parts.join("")}</article>`;
}

/** A collapsible, sortable table; says how many rows were left out. */
function list<T>(
  label: string,
  listed: Listed<T>,
  columns: string[],
  cells: (row: T) => Array<string | number>,
  open = false,
): string {
  if (listed.total === 0) return `<p class="muted">${esc(label)}: none.</p>`;
  const more =
    listed.total > listed.rows.length
      ? `<p class="muted">Showing ${listed.rows.length} of ${listed.total}; <code>plexodus plan --json</code> lists all.</p>`
      : "";
  return `<details${open ? " open" : ""}><summary>${esc(label)} (${listed.total})</summary>${table(columns, listed.rows.map(cells))}${more}</details>`;
}

function table(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const head = columns.map((c) => `<th>${esc(c)}</th>`).join("");
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells.map((cell) => (typeof cell === "number" ? `<td class="n">${cell}</td>` : `<td>${esc(cell)}</td>`)).join("")}</tr>`,
    )
    .join("");
  return `<table class="sortable"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function collections(data: ReportData): string {
  const { counts, issues } = data.collections;
  return `<section id="collections"><h2>Collections</h2><p class="muted">Collections belong to the server, not to one person.</p>${countsTable([counts], data.stage)}${list(
    data.stage === "verify" ? "Drift" : "What did not move, and why",
    issues,
    ["title", "outcome", "reason"],
    (r) => [r.title, r.outcome, r.reason],
    issues.total > 0 && issues.total <= 50,
  )}</section>`;
}

function unmatched(data: ReportData): string {
  const reasons = Object.entries(data.unmatched.byReason);
  const summary =
    reasons.length > 0
      ? table(
          ["reason", "items"],
          reasons.map(([reason, n]) => [reason, n]),
        )
      : "";
  return `<section id="unmatched"><h2>Unmatched items (${data.unmatched.total})</h2><p class="muted">Source items with history, playlist or collection membership that found no target item; nothing is written for them.</p>${summary}${list(
    "All unmatched items",
    data.unmatched,
    ["title", "kind", "library", "reason", "detail"],
    (r) => [r.title, r.kind, r.library, r.reason, r.detail],
  )}</section>`;
}

function skipped(data: ReportData): string {
  return `<section id="skipped"><h2>Skipped (${data.skipped.total})</h2>${list(
    "What the plan leaves out",
    data.skipped,
    ["category", "subject", "reason", "detail", "count"],
    (r) => [r.category, r.subject, r.reason, r.detail, r.count],
    data.skipped.total > 0 && data.skipped.total <= 50,
  )}</section>`;
}

function weak(data: ReportData): string {
  if (!data.weakMatches)
    return `<section id="weak"><h2>Weak matches</h2><p class="muted">Not known in this run: its plan was saved without match results.</p></section>`;
  const columns = ["title", "year", "kind", "library", "target item"];
  const cells = (r: WeakRow) => [r.title, r.year ?? "", r.kind, r.library, r.target ?? "—"];
  const conflicts = data.conflictingMatches
    ? list(
        "Conflicting evidence (the first rule won): check these too",
        data.conflictingMatches,
        columns,
        cells,
      )
    : "";
  return `<section id="weak"><h2>Weak matches (${data.weakMatches.total})</h2><p class="muted">Paired by title and year alone: check that each is the same film or show.</p>${list(
    "Weak matches to review",
    data.weakMatches,
    columns,
    cells,
  )}${conflicts}</section>`;
}

function limitations(data: ReportData): string {
  const items = data.limitations.map((line) => `<li>${esc(line)}</li>`).join("");
  return `<section id="limitations"><h2>Limitations of the target</h2>${
    items
      ? `<ul>${items}</ul>`
      : `<p class="muted">None: the target can hold everything this migration carries.</p>`
  }</section>`;
}

function footer(data: ReportData): string {
  const notes = data.notes.map((note) => `<li>${esc(note)}</li>`).join("");
  return `<footer><h2>Notes</h2><ul>${notes}<li>This file loads nothing from anywhere and holds no token, API key or password. It names people and titles of the included libraries only: keep it private.</li></ul></footer>`;
}
