import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { BenchContext, BenchGoal, GoalRow } from "./goal.js";
import { markdownTable, textTable } from "./table.js";

/**
 * `npm run bench`: measures the performance goals (bench/goals/*.goal.ts) and prints one table:
 * each figure beside its floor, the ratio, the ratio the goal allows, and whether it was met.
 *
 *   npm run bench                     the goals at their everyday sizes
 *   npm run bench -- --scale          also the big cases (PLEXODUS_BENCH_SCALE=1 does the same)
 *   npm run bench -- reading          only goals or figure modules whose name contains "reading"
 *   npm run bench -- --runs 5         best of 5 runs per side (default 3)
 *   npm run bench -- --markdown       the table in Markdown too (for docs/performance.md)
 *   npm run bench -- --figures        also the figure modules (bench/*.bench.ts): numbers
 *                                     without floors, e.g. the reader in-process, the matcher
 *
 * Naming a figure module (`npm run bench -- match`) runs it too. The exit code is 0 whatever
 * the figures: timings are reported, never asserted. The last table is kept in
 * bench/out/results.json.
 */
export interface BenchModule {
  /** One line saying what is measured. */
  description: string;
  run(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const outDir = join(root, "bench", "out");

const { values, positionals } = parseArgs({
  options: {
    scale: { type: "boolean", default: false },
    runs: { type: "string", default: "3" },
    markdown: { type: "boolean", default: false },
    figures: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a whole number ≥ 1");
const scale = values.scale || process.env.PLEXODUS_BENCH_SCALE === "1";
const wanted = (name: string) => positionals.length === 0 || positionals.some((w) => name.includes(w));

const log = (line: string) => process.stderr.write(`${line}\n`);
const context: BenchContext = { scale, runs, outDir, root, log };

const goalFiles = readdirSync(join(here, "goals"))
  .filter((name) => name.endsWith(".goal.js"))
  .sort();
const rows: GoalRow[] = [];
for (const file of goalFiles) {
  const { goal } = (await import(pathToFileURL(join(here, "goals", file)).href)) as { goal: BenchGoal };
  if (!wanted(goal.name)) continue;
  log(`== ${goal.name}: ${goal.description}`);
  rows.push(...(await goal.measure(context)));
}

const figureFiles = readdirSync(here)
  .filter((name) => name.endsWith(".bench.js"))
  .filter((name) => (positionals.length === 0 ? values.figures : wanted(name)))
  .sort();
for (const file of figureFiles) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  console.log(`\n== ${file.replace(/\.bench\.js$/, "")}: ${module.description}`);
  await module.run();
}

if (rows.length > 0) {
  const machine = machineLine();
  console.log(`\n${machine}`);
  for (const line of textTable(rows)) console.log(line);
  if (values.markdown) {
    console.log("");
    for (const line of markdownTable(rows)) console.log(line);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, "results.json"),
    `${JSON.stringify({ date: new Date().toISOString(), machine, scale, runs, rows }, null, 2)}\n`,
  );
} else if (figureFiles.length === 0) {
  console.log("no goal or benchmark matched");
}

function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpu}, ${availableParallelism()} cores, ${gib} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}
