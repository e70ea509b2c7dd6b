import { resolve } from "node:path";
import type { Command } from "commander";
import type { Config } from "../../config/load.js";
import { EXIT_OK, PlexodusError } from "../../errors.js";
import { type ApplyResult, applyPlan } from "../../executor/index.js";
import { connectConfiguredTarget } from "../../pipeline/target.js";
import { planTotalsLine } from "../../planner/index.js";
import type { Plan } from "../../planner/plan.js";
import type { CommandContext } from "../context.js";
import { addConfigOptions, TARGET_OPTIONS } from "../options.js";
import { applyDocument, renderApplyResult } from "../render/apply.js";
import type { RegisterCommand } from "./index.js";
import {
  confirm,
  credentialsPathFor,
  interruptSignal,
  journalPathFor,
  progressFor,
  readPlanFile,
} from "./shared.js";

export const APPLY_OPTIONS = [...TARGET_OPTIONS, "concurrency", "journal", "credentialsFile", "yes"] as const;

/** Exit code of a finished run: 1 when anything is left to do (failed, conflict, interrupted). */
export function applyExitCode(result: ApplyResult): number {
  return result.failed > 0 || result.conflicted > 0 || result.interrupted || result.notStarted > 0
    ? 1
    : EXIT_OK;
}

/**
 * Executes a plan against the configured target with the journal, progress and Ctrl-C
 * handling; shared by apply and migrate. Returns null when the person declined.
 */
export async function executePlan(
  ctx: CommandContext,
  config: Config,
  plan: Plan,
): Promise<ApplyResult | null> {
  if (plan.actions.length === 0) {
    ctx.say("Nothing to apply: the target already holds everything the plan wants.");
  }
  const target = await connectConfiguredTarget(config, ctx.warn);
  const progress = progressFor(ctx);
  const interrupt = interruptSignal(ctx);
  try {
    if (plan.actions.length > 0) {
      const question = `${planTotalsLine(plan, "Apply")} to ${target.info.kind} "${target.info.serverName}" at ${target.info.url}?`;
      if (!(await confirm(ctx, config, question))) return null;
    }
    return await applyPlan(plan, target, {
      journalPath: journalPathFor(config, ctx.io.cwd, target.info.serverId),
      concurrency: config.concurrency,
      credentialsFile: credentialsPathFor(config, ctx.io.cwd),
      progress,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
    progress.stop();
    target.close();
  }
}

export function reportApply(
  ctx: CommandContext,
  plan: Plan,
  result: ApplyResult | null,
  extra: object = {},
): number {
  if (result === null) {
    ctx.warn("Nothing was applied.");
    return 1;
  }
  if (ctx.globals.json) ctx.printJson({ ...extra, ...applyDocument(plan, result) });
  else ctx.say(renderApplyResult(plan, result));
  return applyExitCode(result);
}

export const registerApply: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("apply")
    .description(
      "Execute a saved plan (--plan FILE) against the target, re-checking every value first; a rerun with the same journal resumes.",
    )
    .requiredOption("--plan <file>", "plan written by `plexodus plan --out FILE`");
  addConfigOptions(command, APPLY_OPTIONS);
  command.action(async (flags: Record<string, unknown> & { plan: string }) => {
    const ctx = registration.context();
    const plan = readPlanFile(resolve(ctx.io.cwd, flags.plan));
    // The plan names its server, so CI only has to supply the API key.
    const config = ctx.config(flags, APPLY_OPTIONS);
    const effective = { ...config, targetUrl: config.targetUrl ?? plan.target.url };
    if (config.targetKind !== "auto" && config.targetKind !== plan.target.kind) {
      throw new PlexodusError(
        "config",
        `the plan is for ${plan.target.kind}, but --target-kind is ${config.targetKind}`,
      );
    }
    const result = await executePlan(ctx, effective, plan);
    registration.setExitCode(reportApply(ctx, plan, result, { command: "apply" }));
  });
};
