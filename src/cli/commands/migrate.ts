import type { Command } from "commander";
import { renderPlan } from "../../planner/index.js";
import { addConfigOptions } from "../options.js";
import { APPLY_OPTIONS, executePlan, reportApply } from "./apply.js";
import type { RegisterCommand } from "./index.js";
import { makePlan, PLAN_OPTIONS, planDocument } from "./plan.js";

export const registerMigrate: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("migrate")
    .description("Plan and apply in one step; --dry-run stops after the plan.")
    .option("--dry-run", "print the plan and stop; nothing is written");
  addConfigOptions(command, [...new Set([...PLAN_OPTIONS, ...APPLY_OPTIONS])]);
  command.action(async (flags: Record<string, unknown> & { dryRun?: boolean }) => {
    const ctx = registration.context();
    const config = ctx.config(flags);
    const prepared = await makePlan(ctx, config);
    if (flags.dryRun) {
      if (ctx.globals.json)
        ctx.printJson({ ...planDocument(prepared, null), command: "migrate", dryRun: true });
      else ctx.say(renderPlan(prepared.plan));
      return;
    }
    if (!ctx.globals.json) ctx.say(renderPlan(prepared.plan));
    const result = await executePlan(ctx, config, prepared.plan);
    const { summary, unmatched, skipped, limitations } = planDocument(prepared, null);
    registration.setExitCode(
      reportApply(ctx, prepared.plan, result, {
        command: "migrate",
        planned: summary,
        unmatched,
        skipped,
        limitations,
      }),
    );
  });
};
