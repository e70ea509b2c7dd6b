import { resolve } from "node:path";
import type { Command } from "commander";
import { PlexodusError } from "../../errors.js";
import { APPLY_OPTIONS, addConfigOptions, listGlobalOptions } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export const registerApply: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("apply")
    .description(
      "execute a saved plan (--plan FILE) against the target, re-checking every value first; a rerun with the same journal resumes",
    )
    .requiredOption("--plan <file>", "plan written by `plexodus plan --out FILE`");
  addConfigOptions(command, APPLY_OPTIONS);
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown> & { plan: string }) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [
      { executePlan },
      { readPlanFile },
      { interactionFor },
      { NOTHING_TO_APPLY },
      { applyEvents, reportApply },
      { checkOutputFiles, writeRunOutputs },
      { whileCollectingSooner },
    ] = await Promise.all([
      import("../../pipeline/apply.js"),
      import("../../pipeline/plan-file.js"),
      import("../interaction.js"),
      import("../render/apply.js"),
      import("../report.js"),
      import("../outputs.js"),
      import("../../pipeline/memory.js"),
    ]);
    // A big plan is shown and summed up by making its packed actions one by one: the
    // collector keeps up with that garbage as it does while reading (pipeline/memory.ts).
    await whileCollectingSooner(async () => {
      const ctx = registration.context();
      // The plan file is this command's input, read (and refused when bad) before the options.
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
      checkOutputFiles(config, ctx.io.cwd);
      if (plan.actions.length === 0) ctx.say(NOTHING_TO_APPLY);
      const result = await executePlan(
        plan,
        effective,
        interactionFor(ctx, config),
        ctx.io.cwd,
        applyEvents(ctx),
      );
      registration.setExitCode(reportApply(ctx, plan, result, { command: "apply" }));
      writeRunOutputs(ctx, config, { command: "apply", stage: result ? "apply" : "plan", plan, result });
    });
  });
};
