import type { ReportCharts } from "./data.js";
import { esc } from "./escape.js";

/**
 * The report's charts, drawn as inline SVG by hand: three bar charts need no library, and the
 * page must load nothing. Colours come from the page's CSS classes (c0…c4), so print works.
 */

const LABEL_W = 170;
const BAR_W = 460;
const VALUE_W = 90;
const WIDTH = LABEL_W + BAR_W + VALUE_W;

interface Series {
  name: string;
  className: string;
}

function frame(height: number, label: string, body: string): string {
  return `<svg class="chart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

function legend(series: readonly Series[], y: number): string {
  let x = LABEL_W;
  return series
    .map((s) => {
      const item = `<rect class="${s.className}" x="${x}" y="${y - 9}" width="10" height="10"/><text x="${x + 14}" y="${y}">${esc(s.name)}</text>`;
      x += 24 + s.name.length * 7;
      return item;
    })
    .join("");
}

/** Cuts long labels so they fit the label column; the full text is in the row's tooltip. */
function clip(text: string, max = 24): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const RULE_SERIES: Series[] = [
  { name: "external id", className: "c0" },
  { name: "episode", className: "c1" },
  { name: "path", className: "c2" },
  { name: "title + year", className: "c3" },
  { name: "not matched", className: "c4" },
];

/** Items per library, one stacked bar each: matched by each rule, then not matched. */
export function rulesChart(rows: NonNullable<ReportCharts["rulesByLibrary"]>): string {
  const ROW = 26;
  const totals = rows.map((row) => Object.values(row.byRule).reduce((a, b) => a + b, 0) + row.missed);
  const max = Math.max(1, ...totals);
  const body = rows.map((row, i) => {
    const y = 28 + i * ROW;
    const values = [
      row.byRule["external-id"],
      row.byRule.episode,
      row.byRule.path,
      row.byRule["title-year"],
      row.missed,
    ];
    let x = LABEL_W;
    const segments = values.map((value, s) => {
      const w = (value / max) * BAR_W;
      const rect =
        value > 0
          ? `<rect class="bar ${RULE_SERIES[s]!.className}" x="${x.toFixed(1)}" y="${y}" width="${Math.max(w, 1).toFixed(1)}" height="16"><title>${esc(row.library)}: ${value} by ${RULE_SERIES[s]!.name}</title></rect>`
          : "";
      x += w;
      return rect;
    });
    return `<text x="0" y="${y + 12}">${esc(clip(row.library))}</text>${segments.join("")}<text x="${(x + 6).toFixed(1)}" y="${y + 12}">${totals[i]}</text>`;
  });
  return frame(
    28 + rows.length * ROW + 4,
    "Items per library matched by each rule",
    legend(RULE_SERIES, 12) + body.join(""),
  );
}

/** Watched items per person: in Plex, on the target before and after (what this run knows). */
export function watchedChart(rows: ReportCharts["watchedByPerson"]): string {
  const known = (key: "inPlex" | "before" | "after") => rows.some((row) => row[key] !== null);
  const series: Array<Series & { value(row: (typeof rows)[number]): number }> = [];
  if (known("inPlex")) series.push({ name: "in Plex", className: "c0", value: (row) => row.inPlex ?? 0 });
  if (known("before"))
    series.push({ name: "on target before", className: "c4", value: (row) => row.before ?? 0 });
  if (known("after"))
    series.push({ name: "on target after", className: "c2", value: (row) => row.after ?? 0 });
  if (series.length === 0)
    series.push({ name: "marked played", className: "c2", value: (row) => row.markedPlayed });
  const BAR = 9;
  const ROW = series.length * (BAR + 2) + 10;
  const max = Math.max(1, ...rows.flatMap((row) => series.map((s) => s.value(row))));
  const body = rows.map((row, i) => {
    const y = 28 + i * ROW;
    const bars = series.map((s, k) => {
      const value = s.value(row);
      const w = (value / max) * BAR_W;
      const by = y + k * (BAR + 2);
      return `<rect class="bar ${s.className}" x="${LABEL_W}" y="${by}" width="${Math.max(w, 1).toFixed(1)}" height="${BAR}"><title>${esc(row.name)}: ${value} ${s.name}</title></rect><text class="small" x="${(LABEL_W + w + 4).toFixed(1)}" y="${by + 8}">${value}</text>`;
    });
    return `<text x="0" y="${y + (ROW - 10) / 2 + 4}">${esc(clip(row.name))}</text>${bars.join("")}`;
  });
  return frame(28 + rows.length * ROW + 4, "Watched items per person", legend(series, 12) + body.join(""));
}

/** Items per year of their latest play (vertical bars); each bar's tooltip gives its plays. */
export function yearsChart(rows: NonNullable<ReportCharts["latestPlayByYear"]>): string {
  const HEIGHT = 200;
  const TOP = 24;
  const BOTTOM = 24;
  const plot = HEIGHT - TOP - BOTTOM;
  const max = Math.max(1, ...rows.map((row) => row.items));
  const slot = (WIDTH - 50) / Math.max(1, rows.length);
  const every = Math.max(1, Math.ceil(rows.length / 16));
  const body = rows.map((row, i) => {
    const h = (row.items / max) * plot;
    const x = 50 + i * slot;
    const label =
      i % every === 0
        ? `<text class="small" x="${(x + slot / 2).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle">${row.year}</text>`
        : "";
    return `<rect class="bar c0" x="${(x + 1).toFixed(1)}" y="${(TOP + plot - h).toFixed(1)}" width="${Math.max(slot - 2, 1).toFixed(1)}" height="${Math.max(h, 1).toFixed(1)}"><title>${row.year}: ${row.items} items last played, ${row.plays} plays</title></rect>${label}`;
  });
  const axis = `<text class="small" x="0" y="${TOP + 4}">${max}</text><text class="small" x="0" y="${TOP + plot}">0</text><line x1="48" y1="${TOP + plot}" x2="${WIDTH}" y2="${TOP + plot}" class="axis"/>`;
  return frame(
    HEIGHT,
    "Items per year of their latest play",
    `<text class="small" x="50" y="12">items last played in each year (tooltip: plays they hold)</text>${axis}${body.join("")}`,
  );
}
