import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Whole-process figures of a command, process start included: wall time from here, CPU time
 * and peak RSS from GNU time (`/usr/bin/time`), which sees the process and its threads and is
 * the same for a Node command and a C one. Without GNU time only wall time is known.
 */
export interface ProcessFigures {
  wallMs: number;
  /** User + system CPU, or null without GNU time. */
  cpuMs: number | null;
  /** Peak resident set size in bytes, or null without GNU time. */
  maxRssBytes: number | null;
}

const GNU_TIME = "/usr/bin/time";

let gnuTime: boolean | undefined;
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    const answer = spawnSync(GNU_TIME, ["--version"], { encoding: "utf8" });
    gnuTime = `${answer.stdout ?? ""}${answer.stderr ?? ""}`.includes("GNU");
  }
  return gnuTime;
}

export function hasCommand(name: string): boolean {
  return spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0;
}

/** Runs `argv` once, stdout discarded, stdin from `input` when given; throws if it fails. */
export function runMeasured(
  argv: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): ProcessFigures {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-bench-time-"));
  try {
    const report = join(dir, "time.txt");
    const command = hasGnuTime() ? [GNU_TIME, "-f", "%U %S %M", "-o", report, ...argv] : [...argv];
    const started = performance.now();
    const result = spawnSync(command[0]!, command.slice(1), {
      env: options.env,
      input: options.input,
      stdio: [options.input === undefined ? "ignore" : "pipe", "ignore", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
    const wallMs = performance.now() - started;
    if (result.status !== 0) {
      throw new Error(`${argv.join(" ")} failed (${result.status ?? result.signal}): ${result.stderr}`);
    }
    if (!hasGnuTime()) return { wallMs, cpuMs: null, maxRssBytes: null };
    // GNU time may put the command's own complaints first; the figures are the last line.
    const last = readFileSync(report, "utf8").trim().split("\n").at(-1) ?? "";
    const [user, system, rssKiB] = last.split(" ").map(Number);
    return { wallMs, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, maxRssBytes: (rssKiB ?? 0) * 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each side's best of `runs`, the sides interleaved so a burst of other work hits both alike. */
export function bestOf<K extends string>(
  runs: number,
  sides: Record<K, () => ProcessFigures>,
  log: (line: string) => void,
): Record<K, ProcessFigures> {
  const best = {} as Record<K, ProcessFigures>;
  for (let run = 1; run <= runs; run++) {
    for (const [name, measure] of Object.entries(sides) as Array<[K, () => ProcessFigures]>) {
      const figures = measure();
      log(`  run ${run}/${runs} ${name}: ${describe(figures)}`);
      const previous = best[name];
      best[name] = previous ? minimum(previous, figures) : figures;
    }
  }
  return best;
}

function minimum(a: ProcessFigures, b: ProcessFigures): ProcessFigures {
  const least = (x: number | null, y: number | null) => (x === null || y === null ? null : Math.min(x, y));
  return {
    wallMs: Math.min(a.wallMs, b.wallMs),
    cpuMs: least(a.cpuMs, b.cpuMs),
    // The peak is a property of the work, not of the machine's load: the largest seen counts.
    maxRssBytes:
      a.maxRssBytes === null || b.maxRssBytes === null ? null : Math.max(a.maxRssBytes, b.maxRssBytes),
  };
}

export function describe({ wallMs, cpuMs, maxRssBytes }: ProcessFigures): string {
  const parts = [`${(wallMs / 1000).toFixed(2)} s wall`];
  if (cpuMs !== null) parts.push(`${(cpuMs / 1000).toFixed(2)} s CPU`);
  if (maxRssBytes !== null) parts.push(`${Math.round(maxRssBytes / 2 ** 20)} MiB peak RSS`);
  return parts.join(", ");
}

/** The 1-minute load average: how busy the machine was while measuring (wall times suffer). */
export function load(): string {
  return loadavg()[0]!.toFixed(1);
}

/** The machine's CPU time counters (Linux /proc/stat, all CPUs), in clock ticks. */
export interface MachineCpu {
  /** Time the hypervisor gave this virtual machine's CPUs to others while they had work. */
  steal: number;
  total: number;
}

export function machineCpu(): MachineCpu | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal (guest time is inside user already).
    const ticks = fields.slice(1, 9).map(Number);
    if (fields[0] !== "cpu" || ticks.length < 8 || ticks.some((n) => !Number.isFinite(n))) return null;
    return { steal: ticks[7]!, total: ticks.reduce((sum, n) => sum + n, 0) };
  } catch {
    return null;
  }
}

/**
 * The share of the machine's CPU time stolen by the hypervisor since `start`. On this shared
 * virtual machine the same code used 35–60 % more CPU per request in some hours than in
 * others (docs/performance.md): a high steal share names one cause of such an hour; a low one
 * does not rule out others (caches and memory shared with neighbours), which the CPU per
 * request beside it shows.
 */
export function stealSince(start: MachineCpu | null): string {
  const now = machineCpu();
  if (start === null || now === null || now.total <= start.total) return "CPU steal unknown";
  return `CPU steal ${((100 * (now.steal - start.steal)) / (now.total - start.total)).toFixed(1)} %`;
}
