import type { Command } from "commander";
import { EXIT_CHANGES, EXIT_OK } from "../../errors.js";
import { verifyTarget } from "../../pipeline/verify.js";
import { interactionFor } from "../interaction.js";
import { addConfigOptions, PLAN_OPTIONS } from "../options.js";
import { checkOutputFiles, writeRunOutputs } from "../outputs.js";
import type { RegisterCommand } from "../registration.js";
import { renderVerify, verifyDocument } from "../render/drift.js";

export const registerVerify: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("verify")
    .description(
      "Read the Plex source and the target again and report every matched item whose target state disagrees with what the migration should have produced (exit 2 on drift).",
    );
  addConfigOptions(command, [...PLAN_OPTIONS, "detailedExitcode"]);
  command.action(async (flags: Record<string, unknown>) => {
    const ctx = registration.context();
    const config = ctx.config(flags);
    checkOutputFiles(config, ctx.io.cwd);
    const { prepared, drift } = await verifyTarget(config, interactionFor(ctx, config));
    if (ctx.globals.json) ctx.printJson(verifyDocument(prepared.plan, drift));
    else for (const line of renderVerify(prepared.plan, drift)) ctx.say(line);
    writeRunOutputs(ctx, config, { command: "verify", stage: "verify", plan: prepared.plan }, prepared);
    registration.setExitCode(drift.length > 0 ? EXIT_CHANGES : EXIT_OK);
  });
};
