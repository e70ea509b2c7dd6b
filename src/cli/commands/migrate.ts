import type { Command } from "commander";
import { APPLY_OPTIONS, addConfigOptions, listGlobalOptions, PLAN_OPTIONS } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export const registerMigrate: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("migrate")
    .description("plan and apply in one step; --dry-run stops after the plan")
    .option("--dry-run", "print the plan and stop; nothing is written")
    .option("--full", "list every line of the plan (default: the first 20 of each list)");
  addConfigOptions(command, [...new Set([...PLAN_OPTIONS, ...APPLY_OPTIONS])]);
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown> & { dryRun?: boolean; full?: boolean }) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [
      { migrate },
      { interactionFor },
      { NOTHING_TO_APPLY },
      { planDocument, renderPlan },
      { applyEvents, reportApply },
      { checkOutputFiles, writeRunOutputs },
      { whileCollectingSooner },
    ] = await Promise.all([
      import("../../pipeline/migrate.js"),
      import("../interaction.js"),
      import("../render/apply.js"),
      import("../render/plan.js"),
      import("../report.js"),
      import("../outputs.js"),
      import("../../pipeline/memory.js"),
    ]);
    // A big plan is shown and summed up by making its packed actions one by one: the
    // collector keeps up with that garbage as it does while reading (pipeline/memory.ts).
    await whileCollectingSooner(async () => {
      const ctx = registration.context();
      const config = ctx.config(flags);
      checkOutputFiles(config, ctx.io.cwd);
      const dryRun = Boolean(flags.dryRun);
      const migration = await migrate(config, interactionFor(ctx, config), {
        dryRun,
        cwd: ctx.io.cwd,
        events: applyEvents(ctx),
        // The plan is shown before anything is asked or written.
        planned(plan) {
          if (!ctx.globals.json)
            ctx.say(renderPlan(plan, flags.full ? { limit: Number.POSITIVE_INFINITY } : {}));
          if (!dryRun && plan.actions.length === 0) ctx.say(NOTHING_TO_APPLY);
        },
      });
      const { plan } = migration;
      const document = planDocument(plan, null);
      if (!migration.applied) {
        if (ctx.globals.json) ctx.printJson({ ...document, command: "migrate", dryRun: true });
      } else {
        const { summary, unmatched, skipped, limitations } = document;
        registration.setExitCode(
          reportApply(ctx, plan, migration.result, {
            command: "migrate",
            planned: summary,
            unmatched,
            skipped,
            limitations,
          }),
        );
      }
      const result = migration.applied ? migration.result : undefined;
      const stage = result ? "apply" : "plan";
      writeRunOutputs(
        ctx,
        config,
        { command: "migrate", stage, plan, result },
        migration.prepared ?? undefined,
      );
    });
  });
};
