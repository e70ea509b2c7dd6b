/**
 * A performance goal of issue 14: a figure measured beside its floor (what the same work costs
 * without plexodus, measured in the same run) or beside a fixed limit, and the ratio the goal
 * allows. One module per goal in bench/goals/ (`<name>.goal.ts`) exports `goal`; bench/run.ts
 * finds them, runs them and prints one table row per case.
 */
export interface BenchGoal {
  /** Short name, used to pick goals on the command line (`npm run bench -- reading`). */
  name: string;
  /** One line: what is compared with what. */
  description: string;
  measure(context: BenchContext): Promise<GoalRow[]>;
}

export interface BenchContext {
  /** Whether the big cases (minutes to generate and run) were asked for: `--scale`. */
  scale: boolean;
  /** Runs per side; each side's best (minimum) counts. */
  runs: number;
  /** Where generated inputs are cached between runs (bench/out/, gitignored). */
  outDir: string;
  /** The repository root: bin/plexodus.js and dist/ are found from here. */
  root: string;
  /** Progress and detail lines; they go to stderr so the table stays clean. */
  log(line: string): void;
}

/** A number with its unit, e.g. 3.21 s, 812 MiB, 0.18 ms/action. */
export interface Figure {
  value: number;
  unit: string;
}

/** The ratio `measured / floor` the goal allows. */
export type Target = { atMost: number } | { atLeast: number };

export type GoalRow =
  | {
      goal: string;
      measured: Figure;
      /** The cost without plexodus (measured in this run) or the fixed limit. */
      floor: Figure;
      target: Target;
      /** How it was measured and what else was seen (CPU, load): a few words. */
      note: string;
    }
  | { goal: string; skipped: string };

export function meets(target: Target, ratio: number): boolean {
  return "atMost" in target ? ratio <= target.atMost : ratio >= target.atLeast;
}

export function targetText(target: Target): string {
  return "atMost" in target ? `≤ ${target.atMost.toFixed(2)}×` : `≥ ${target.atLeast.toFixed(2)}×`;
}

export function figureText({ value, unit }: Figure): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}
