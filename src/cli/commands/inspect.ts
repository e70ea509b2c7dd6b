import type { Command } from "commander";
import { addConfigOptions, listGlobalOptions, SOURCE_OPTIONS } from "../options.js";
import type { RegisterCommand } from "../registration.js";

/** The source options plus what reaching Plex or Tautulli over HTTP needs. */
const INSPECT_OPTIONS = [...SOURCE_OPTIONS, "timeout", "concurrency", "caFile", "insecure"] as const;

export const registerInspect: RegisterCommand = (program: Command, registration) => {
  const command = program
    .command("inspect")
    .description(
      "read the Plex source (database or API) and print its users, libraries and what each person has watched",
    );
  addConfigOptions(command, INSPECT_OPTIONS);
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown>) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [{ inspectSource }, { interactionFor }, { renderInspect }] = await Promise.all([
      import("../../pipeline/inspect.js"),
      import("../interaction.js"),
      import("../render/inspect.js"),
    ]);
    const ctx = registration.context();
    const config = ctx.config(flags, INSPECT_OPTIONS);
    const report = await inspectSource(config, interactionFor(ctx, config));
    // --json is a root option; commander sees it before or after the command name.
    if (ctx.globals.json === true) ctx.printJson(report);
    else for (const line of renderInspect(report)) ctx.say(line);
  });
};
