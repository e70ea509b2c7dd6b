import { figureText, type GoalRow, meets, targetText } from "./goal.js";

const HEADER = ["goal", "measured", "floor", "ratio", "target", "result"] as const;

function cells(row: GoalRow): string[] {
  if ("skipped" in row) return [row.goal, "-", "-", "-", "-", `skipped: ${row.skipped}`];
  const ratio = row.measured.value / row.floor.value;
  return [
    row.goal,
    figureText(row.measured),
    figureText(row.floor),
    `${ratio.toFixed(2)}×`,
    targetText(row.target),
    meets(row.target, ratio) ? "pass" : "FAIL",
  ];
}

/** The rows as a plain-text table, columns padded, notes below it. */
export function textTable(rows: readonly GoalRow[]): string[] {
  const body = rows.map(cells);
  const widths = HEADER.map((title, i) => Math.max(title.length, ...body.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const out = [line(HEADER), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
  const notes = rows.filter((row) => "note" in row && row.note !== "");
  if (notes.length > 0) out.push("", ...notes.map((row) => `${row.goal}: ${"note" in row ? row.note : ""}`));
  return out;
}

/** The same table in Markdown, with the notes as a last column (docs/performance.md). */
export function markdownTable(rows: readonly GoalRow[]): string[] {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const line = (values: readonly string[]) => `| ${values.map(cell).join(" | ")} |`;
  return [
    line([...HEADER, "how"]),
    line([...HEADER, "how"].map(() => "---")),
    ...rows.map((row) => line([...cells(row), "note" in row ? row.note : ""])),
  ];
}
