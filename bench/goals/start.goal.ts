import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, BenchGoal, GoalRow } from "../goal.js";
import { load, type ProcessFigures, runMeasured } from "../process.js";

/**
 * Start goal: `plexodus --version` and `plexodus --help` against the floor of `node -e 0`, the
 * same Node starting and doing nothing. Each is a whole process; what plexodus adds is loading
 * commander, the option table and the command registrations (test/cli/start.test.ts keeps
 * everything else off that path). A start is short, so each side runs many times, interleaved,
 * and the median counts: one burst of other work moves a best-of or a mean, not a median.
 */

/** Runs per side for each run the bench asks for (`--runs 3` gives 21). */
const RUNS_PER_RUN = 7;
const MAX_RATIO = 2;

interface StartCase {
  label: string;
  args: string[];
  /** What the command must print for its runs to count. */
  check(stdout: string, root: string): boolean;
}

const CASES: StartCase[] = [
  {
    label: "--version",
    args: ["--version"],
    check: (stdout, root) => stdout.trim() === packageVersion(root),
  },
  {
    label: "--help",
    args: ["--help"],
    check: (stdout) => stdout.startsWith("Usage: plexodus") && stdout.includes("sandbox [options]"),
  },
];

export const goal: BenchGoal = {
  name: "start",
  description: "plexodus --version and --help against `node -e 0`, median of many runs, start included",
  async measure(context) {
    const rows: GoalRow[] = [];
    for (const item of CASES) rows.push(measureCase(context, item));
    return rows;
  },
};

function measureCase(context: BenchContext, item: StartCase): GoalRow {
  const name = `start ${item.label}`;
  const cli = [process.execPath, join(context.root, "bin", "plexodus.js"), ...item.args];
  const floor = [process.execPath, "-e", "0"];
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PLEXODUS_")));
  const shown = spawnSync(cli[0]!, cli.slice(1), { encoding: "utf8", env });
  if (shown.status !== 0 || !item.check(shown.stdout, context.root)) {
    throw new Error(`plexodus ${item.label} failed (${shown.status}): ${shown.stderr}`);
  }
  const runs = context.runs * RUNS_PER_RUN;
  const sides = { node: [] as ProcessFigures[], plexodus: [] as ProcessFigures[] };
  for (let run = 1; run <= runs; run++) {
    sides.node.push(runMeasured(floor, { env }));
    sides.plexodus.push(runMeasured(cli, { env }));
  }
  const wall = {
    node: median(sides.node.map((f) => f.wallMs)),
    plexodus: median(sides.plexodus.map((f) => f.wallMs)),
  };
  context.log(
    `${name}: median of ${runs}: node -e 0 ${wall.node.toFixed(0)} ms, plexodus ${wall.plexodus.toFixed(0)} ms; load ${load()}`,
  );
  return {
    goal: name,
    measured: { value: wall.plexodus, unit: "ms" },
    floor: { value: wall.node, unit: "ms" },
    target: { atMost: MAX_RATIO },
    note: `median wall of ${runs} runs per side, interleaved; ${cpuNote(sides)}; load ${load()}`,
  };
}

function cpuNote(sides: { node: ProcessFigures[]; plexodus: ProcessFigures[] }): string {
  const cpu = (figures: ProcessFigures[]) => figures.map((f) => f.cpuMs).filter((ms) => ms !== null);
  const node = cpu(sides.node);
  const plexodus = cpu(sides.plexodus);
  if (node.length === 0 || plexodus.length === 0) return "CPU not measured (no GNU time)";
  const [a, b] = [median(plexodus), median(node)];
  return `median CPU ${a.toFixed(0)} ms vs ${b.toFixed(0)} ms = ${(a / b).toFixed(2)}×`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}
