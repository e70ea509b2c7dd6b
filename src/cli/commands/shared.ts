import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Config } from "../../config/load.js";
import { ConfigError } from "../../errors.js";
import { type Plan, PlanSchema } from "../../planner/plan.js";
import type { Progress } from "../../progress.js";
import type { CommandContext } from "../context.js";
import { createProgress } from "../progress.js";

/** Progress on stderr, bars on a terminal, plain lines otherwise. */
export function progressFor(ctx: CommandContext): Progress & { stop(): void } {
  return createProgress({ stream: ctx.io.stderr, isTTY: ctx.io.stderrIsTTY });
}

/**
 * Writes a plan file atomically (temp file, fsync, rename) with mode 0600: plans name people
 * and what they watched, which is private even though they hold no secrets.
 */
export function writePlanFile(path: string, plan: Plan): void {
  const temporary = `${path}.tmp-${process.pid}`;
  const cannot = (error: unknown) =>
    new ConfigError(`cannot write the plan to ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      hint: "Give --out a path in an existing, writable folder with free space.",
    });
  let fd: number;
  try {
    fd = openSync(temporary, "w", 0o600);
  } catch (error) {
    throw cannot(error);
  }
  try {
    writeSync(fd, `${JSON.stringify(plan, null, 2)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw cannot(error);
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw cannot(error);
  }
}

export function readPlanFile(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        hint: "Give the file written by `plexodus plan --out FILE`.",
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`plan file ${path} is not JSON`, {
      hint: "Give the file written by `plexodus plan --out FILE`.",
    });
  }
  if (typeof json === "object" && json !== null && "version" in json && json.version !== 1) {
    throw new ConfigError(
      `plan file ${path} has format version ${String(json.version)}; this plexodus reads 1`,
      {
        hint: "Make the plan again with this version of plexodus.",
      },
    );
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `plan file ${path} is not a valid plan: ${issue?.path.join(".")}: ${issue?.message}`,
      {
        hint: "Make a new plan with `plexodus plan --out FILE`; do not edit plan files by hand.",
      },
    );
  }
  return parsed.data;
}

/** Default journal: one per target server in the current folder, so a rerun finds it. */
export function journalPathFor(config: Config, cwd: string, serverId: string): string {
  return config.journal ? resolve(cwd, config.journal) : join(cwd, `plexodus-${serverId}.journal`);
}

export function credentialsPathFor(config: Config, cwd: string): string {
  return resolve(cwd, config.credentialsFile ?? "plexodus-credentials.txt");
}

/**
 * Asks before writing to a server when a person is at the terminal; `--yes` or a
 * non-interactive stdin (CI) skips the question.
 */
export async function confirm(ctx: CommandContext, config: Config, question: string): Promise<boolean> {
  if (config.yes || !ctx.io.stdinIsTTY) return true;
  const rl = createInterface({ input: process.stdin, output: ctx.io.stderr });
  try {
    const answer = await new Promise<string>((done) => rl.question(`${question} [y/N] `, done));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * Ctrl-C once: stop starting new work, let in-flight requests finish and be journaled.
 * Twice: leave at once (the journal is crash-safe).
 */
export function interruptSignal(ctx: CommandContext): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    ctx.warn(
      "Interrupted: finishing requests in flight (Ctrl-C again to quit at once; the journal is safe).",
    );
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    },
  };
}
