import { resolve } from "node:path";
import type { Command } from "commander";
import { EXIT_CHANGES, EXIT_OK } from "../../errors.js";
import { addConfigOptions, listGlobalOptions, PLAN_OPTIONS, READ_ONLY_HIDDEN } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export const registerPlan: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("plan")
    .description(
      "read the Plex source and the target, match items, and print what a migration would change (the dry run); writes nothing to the target",
    )
    .option("--out <file>", "save the plan for `plexodus apply --plan FILE` (mode 0600)")
    .option("--full", "list every change, unmatched item and skip (default: the first 20 of each list)");
  addConfigOptions(command, [...PLAN_OPTIONS, "detailedExitcode", ...READ_ONLY_HIDDEN], {
    hidden: READ_ONLY_HIDDEN,
  });
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown> & { out?: string; full?: boolean }) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [
      { planMigration },
      { interactionFor },
      { planDocument, planSavedLine, renderPlan },
      { checkOutputFiles, writeRunOutputs },
      { whileCollectingSooner },
    ] = await Promise.all([
      import("../../pipeline/plan.js"),
      import("../interaction.js"),
      import("../render/plan.js"),
      import("../outputs.js"),
      import("../../pipeline/memory.js"),
    ]);
    // A big plan is shown and summed up by making its packed actions one by one: the
    // collector keeps up with that garbage as it does while reading (pipeline/memory.ts).
    await whileCollectingSooner(async () => {
      const ctx = registration.context();
      const config = ctx.config(flags);
      checkOutputFiles(config, ctx.io.cwd);
      const outFile = flags.out ? resolve(ctx.io.cwd, flags.out) : null;
      const prepared = await planMigration(config, interactionFor(ctx, config), outFile);
      if (ctx.globals.json) {
        ctx.printJson(planDocument(prepared.plan, outFile));
      } else {
        ctx.say(renderPlan(prepared.plan, flags.full ? { limit: Number.POSITIVE_INFINITY } : {}));
        if (outFile) ctx.say(planSavedLine(outFile));
      }
      writeRunOutputs(ctx, config, { command: "plan", stage: "plan", plan: prepared.plan }, prepared);
      const pending = prepared.plan.actions.length > 0;
      registration.setExitCode(config.detailedExitcode && pending ? EXIT_CHANGES : EXIT_OK);
    });
  });
};
