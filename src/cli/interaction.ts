import { createInterface } from "node:readline";
import type { Config } from "../config/load.js";
import type { Interaction, Question } from "../pipeline/interaction.js";
import type { CommandContext } from "./context.js";
import { applyQuestion } from "./render/apply.js";
import { rollbackQuestion } from "./render/rollback.js";

/** The person's side of a pipeline run: progress on stderr, questions, Ctrl-C, warnings. */
export function interactionFor(ctx: CommandContext, config: Pick<Config, "yes">): Interaction {
  return {
    progress: () => ctx.progress(),
    interrupt: () => interruptSignal(ctx),
    confirm: (question) => confirm(ctx, config, () => questionText(question)),
    warn: (line) => ctx.warn(line),
    notice: (warning) => ctx.notice(warning),
  };
}

function questionText(question: Question): string {
  return question.kind === "apply"
    ? applyQuestion(question.plan, question.target)
    : rollbackQuestion(question.journalPath, question.target, question.preview);
}

/**
 * Asks before writing to a server when a person is at the terminal; `--yes` or a
 * non-interactive stdin (CI) skips the question.
 */
export async function confirm(
  ctx: CommandContext,
  config: Pick<Config, "yes">,
  question: () => string,
): Promise<boolean> {
  if (config.yes || !ctx.io.stdinIsTTY) return true;
  const rl = createInterface({ input: process.stdin, output: ctx.io.stderr });
  try {
    const answer = await new Promise<string>((done) => rl.question(`${question()} [y/N] `, done));
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
    if (controller.signal.aborted) {
      // Bars down and the terminal restored (cursor, line wrap) before leaving at once.
      ctx.close();
      process.exit(130);
    }
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
