import {
  closeSync,
  openSync,
  readSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import type { Prepared } from "../pipeline/prepare.js";
import type { CommandContext } from "./context.js";
import { buildReport, type ReportInput, renderReport, reportOptions } from "./render/report/index.js";
import { renderSummaryMarkdown } from "./render/summary-md.js";

type OutputConfig = Pick<Config, "report" | "summaryMd" | "log">;

/** What a file is for: a report is replaced, a summary and a log are appended to. */
export type OutputKind = "report" | "summary" | "log";

/**
 * Refuses --report, --summary-md and --log paths before anything is read or written (exit 3):
 * a blank name, a folder that does not exist, a folder given as the file, and an existing file
 * that is not what the option writes — a report only replaces an earlier plexodus report and a
 * log only appends to a plexodus log, so a slip (`--report plan.json`, `--log /etc/passwd` as
 * root) destroys nothing. A summary may go to any file: CI hands out an existing one.
 * Returns the absolute path.
 */
export function checkOutputPath(flag: string, path: string, cwd: string, kind: OutputKind): string {
  const refuse = (why: string, hint = `Give ${flag} a new file name, or one ${KEEPS[kind]}.`) =>
    new ConfigError(`${flag} ${/^[\w./@:+=,~-]+$/.test(path) ? path : JSON.stringify(path)}: ${why}`, {
      hint,
    });
  if (path.trim() === "") throw refuse("no file name");
  if (path.includes("\u0000")) throw refuse("a file name cannot hold a NUL byte");
  const file = resolve(cwd, path);
  const folder = dirname(file);
  if (!isFolder(folder)) {
    throw refuse(
      `the folder ${folder} does not exist`,
      `Create the folder or give ${flag} a path in an existing one.`,
    );
  }
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch {
    return file; // a new file
  }
  if (stats.isDirectory()) throw refuse(`${file} is a folder`);
  if (kind !== "summary" && stats.isFile() && stats.size > 0 && !LOOKS_LIKE[kind](head(file))) {
    throw refuse(
      `${file} holds something else; plexodus ${kind === "report" ? "would replace" : "would append to"} it`,
    );
  }
  return file;
}

/** Refuses any output path given that cannot be right (checkOutputPath). */
export function checkOutputFiles(config: Partial<OutputConfig>, cwd: string): void {
  if (config.report !== undefined) checkOutputPath("--report", config.report, cwd, "report");
  if (config.summaryMd !== undefined) checkOutputPath("--summary-md", config.summaryMd, cwd, "summary");
  if (config.log !== undefined) checkOutputPath("--log", config.log, cwd, "log");
}

const KEEPS: Record<OutputKind, string> = {
  report: "that holds an earlier plexodus report",
  summary: "in an existing folder",
  log: "that holds an earlier plexodus log",
};

/** How the first bytes of an earlier report or log look (renderReport, RunLog). */
const LOOKS_LIKE: Record<Exclude<OutputKind, "summary">, (start: string) => boolean> = {
  report: (start) => /^<!doctype html>/i.test(start) && start.includes("<title>plexodus "),
  log: (start) => start.startsWith('{"time":'),
};

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function head(file: string): string {
  const buffer = Buffer.alloc(2048);
  const fd = openSync(file, "r");
  try {
    return buffer.toString("utf8", 0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the run's HTML report and Markdown summary when asked for, and says where. The text
 * passes the redactor on the way out, a last guard: the report is built from data that holds
 * no secret.
 */
export function writeRunOutputs(
  ctx: CommandContext,
  config: Partial<Config>,
  input: Omit<ReportInput, "options" | "sides">,
  /** What the run read of both sides; absent for `apply --plan`. */
  prepared?: Prepared,
): void {
  if (config.report === undefined && config.summaryMd === undefined) return;
  const options = reportOptions(
    config,
    input.plan,
    prepared ? { snapshot: prepared.snapshot, excluded: prepared.excluded } : undefined,
  );
  const sides = prepared && { snapshot: prepared.snapshot, matches: prepared.matches, state: prepared.state };
  const data = buildReport({ ...input, sides, options });
  if (config.report !== undefined) {
    const path = resolve(ctx.io.cwd, config.report);
    replaceFile(path, ctx.redactor.redact(renderReport(data)), "--report");
    ctx.say(`Report written to ${path}`);
  }
  if (config.summaryMd !== undefined) {
    const path = resolve(ctx.io.cwd, config.summaryMd);
    appendFile(path, ctx.redactor.redact(renderSummaryMarkdown(data)), "--summary-md");
    ctx.say(`Summary appended to ${path}`);
  }
}

function cannot(flag: string, path: string, error: unknown): ConfigError {
  return new ConfigError(`cannot write ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
    hint: `Give ${flag} a path in an existing, writable folder with free space.`,
  });
}

/** The report names people and what they watched: mode 0600, written whole or not at all. */
function replaceFile(path: string, text: string, flag: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, "w", 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was left behind
    }
    throw cannot(flag, path, error);
  }
}

/** CI job summaries ($GITHUB_STEP_SUMMARY) are appended to, like the runner's own steps do. */
function appendFile(path: string, text: string, flag: string): void {
  try {
    const fd = openSync(path, "a", 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw cannot(flag, path, error);
  }
}
