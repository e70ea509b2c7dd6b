import type { Command } from "commander";
import { APPLY_OPTIONS, addConfigOptions, listGlobalOptions, PLAN_OPTIONS } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export const registerMigrate: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("migrate")
    .description("plan and apply in one step; --dry-run stops after the plan")
    .option("--dry-run", "print the plan and stop; nothing is written");
  addConfigOptions(command, [...new Set([...PLAN_OPTIONS, ...APPLY_OPTIONS])]);
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown> & { dryRun?: boolean }) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [
      { migrate },
      { interactionFor },
      { NOTHING_TO_APPLY },
      { planDocument, renderPlan },
      { applyEvents, reportApply },
    ] = await Promise.all([
      import("../../pipeline/migrate.js"),
      import("../interaction.js"),
      import("../render/apply.js"),
      import("../render/plan.js"),
      import("../report.js"),
    ]);
    const ctx = registration.context();
    const config = ctx.config(flags);
    const dryRun = Boolean(flags.dryRun);
    const { prepared, result } = await migrate(config, interactionFor(ctx, config), {
      dryRun,
      cwd: ctx.io.cwd,
      events: applyEvents(ctx),
      // The plan is shown before anything is asked or written.
      planned({ plan }) {
        if (!ctx.globals.json) ctx.say(renderPlan(plan));
        if (!dryRun && plan.actions.length === 0) ctx.say(NOTHING_TO_APPLY);
      },
    });
    const document = planDocument(prepared, null);
    if (result === undefined) {
      if (ctx.globals.json) ctx.printJson({ ...document, command: "migrate", dryRun: true });
      return;
    }
    const { summary, unmatched, skipped, limitations } = document;
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
