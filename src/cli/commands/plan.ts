import { resolve } from "node:path";
import type { Command } from "commander";
import type { Config } from "../../config/load.js";
import { EXIT_CHANGES, EXIT_OK } from "../../errors.js";
import { type Prepared, preparePlan } from "../../pipeline/prepare.js";
import { connectConfiguredTarget } from "../../pipeline/target.js";
import { renderPlan, summarizePlan } from "../../planner/index.js";
import type { CommandContext } from "../context.js";
import { addConfigOptions, SCOPE_OPTIONS, SOURCE_OPTIONS, TARGET_OPTIONS } from "../options.js";
import type { RegisterCommand } from "./index.js";
import { progressFor, writePlanFile } from "./shared.js";

export const PLAN_OPTIONS = [...SOURCE_OPTIONS, ...TARGET_OPTIONS, ...SCOPE_OPTIONS, "concurrency"] as const;

/** Reads both sides and builds the plan; shared by plan, migrate and verify. */
export async function makePlan(ctx: CommandContext, config: Config): Promise<Prepared> {
  const progress = progressFor(ctx);
  const target = await connectConfiguredTarget(config, ctx.warn);
  try {
    return await preparePlan(config, target, progress);
  } finally {
    progress.stop();
    target.close();
  }
}

/** The `plan --json` document (docs/json-output.md). */
export function planDocument(prepared: Prepared, outFile: string | null) {
  const { plan } = prepared;
  return {
    version: 1 as const,
    command: "plan",
    summary: summarizePlan(plan),
    unmatched: plan.unmatched,
    skipped: plan.skipped,
    limitations: plan.limitations,
    planFile: outFile,
    plan,
  };
}

export const registerPlan: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("plan")
    .description(
      "Read the Plex source and the target, match items, and print what a migration would change (the dry run). Writes nothing to the target.",
    )
    .option("--out <file>", "save the plan for `plexodus apply --plan FILE` (mode 0600)");
  addConfigOptions(command, [...PLAN_OPTIONS, "detailedExitcode"]);
  command.action(async (flags: Record<string, unknown> & { out?: string }) => {
    const ctx = registration.context();
    const config = ctx.config(flags);
    const prepared = await makePlan(ctx, config);
    const outFile = flags.out ? resolve(ctx.io.cwd, flags.out) : null;
    if (outFile) writePlanFile(outFile, prepared.plan);
    if (ctx.globals.json) {
      ctx.printJson(planDocument(prepared, outFile));
    } else {
      ctx.say(renderPlan(prepared.plan));
      if (outFile) ctx.say(`\nPlan saved to ${outFile}. Apply it with: plexodus apply --plan ${outFile}`);
    }
    const pending = prepared.plan.actions.length > 0;
    registration.setExitCode(config.detailedExitcode && pending ? EXIT_CHANGES : EXIT_OK);
  });
};
