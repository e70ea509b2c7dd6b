import type { Command } from "commander";
import { EXIT_CHANGES, EXIT_OK } from "../../errors.js";
import { addConfigOptions, listGlobalOptions, PLAN_OPTIONS, READ_ONLY_HIDDEN } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export const registerVerify: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("verify")
    .description(
      "read the Plex source and the target again and report every matched item whose target state disagrees with what the migration should have produced (exit 2 on drift)",
    );
  // Exit 2 on drift is verify's contract, so --detailed-exitcode changes nothing here; it is
  // accepted (CLI.md lists it for plan and verify) but not shown as if it did something.
  const hidden = [...READ_ONLY_HIDDEN, "detailedExitcode"] as const;
  addConfigOptions(command, [...PLAN_OPTIONS, ...hidden], {
    hidden,
    descriptions: {
      createUsers:
        "the migration created target users (migrate --create-users): a Plex account without one is reported as a missing user",
    },
  });
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown>) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [{ verifyTarget }, { interactionFor }, { renderVerify, verifyDocument }] = await Promise.all([
      import("../../pipeline/verify.js"),
      import("../interaction.js"),
      import("../render/drift.js"),
    ]);
    const ctx = registration.context();
    const config = ctx.config(flags);
    const { prepared, drift } = await verifyTarget(config, interactionFor(ctx, config));
    if (ctx.globals.json) ctx.printJson(verifyDocument(prepared.plan, drift));
    else for (const line of renderVerify(prepared.plan, drift)) ctx.say(line);
    registration.setExitCode(drift.length > 0 ? EXIT_CHANGES : EXIT_OK);
  });
};
