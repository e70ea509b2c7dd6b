import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import type { Prepared } from "../pipeline/prepare.js";
import type { CommandContext } from "./context.js";
import { buildReport, type ReportInput, renderReport, reportOptions } from "./render/report/index.js";
import { renderSummaryMarkdown } from "./render/summary-md.js";

type OutputConfig = Pick<Config, "report" | "summaryMd">;

/**
 * Refuses a --report or --summary-md path whose folder does not exist before anything is read
 * or written (exit 3), so a long migration does not end in an unwritable report.
 */
export function checkOutputFiles(config: OutputConfig, cwd: string): void {
  for (const [flag, path] of [
    ["--report", config.report],
    ["--summary-md", config.summaryMd],
  ] as const) {
    if (path === undefined) continue;
    const folder = dirname(resolve(cwd, path));
    let isFolder = false;
    try {
      isFolder = statSync(folder).isDirectory();
    } catch {
      isFolder = false;
    }
    if (!isFolder) {
      throw new ConfigError(`${flag} ${path}: the folder ${folder} does not exist`, {
        hint: `Create the folder or give ${flag} a path in an existing one.`,
      });
    }
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
