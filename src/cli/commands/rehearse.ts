import type { Command } from "commander";
import { EXIT_OK } from "../../errors.js";
import type { RehearsalEvent } from "../../pipeline/rehearse.js";
import type { CommandContext } from "../context.js";
import { APPLY_OPTIONS, addConfigOptions, listGlobalOptions, PLAN_OPTIONS } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export const registerRehearse: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("rehearse")
    .description(
      "run the whole migration against a private copy of the target (read read-only, loaded into an in-process sandbox of the same kind and version) and show what each person would have afterwards; writes nothing to the target",
    );
  // A migrate command line (or config file) rehearses as it is. Retries shape the run in the
  // copy as they would the real one; the journal, the credentials file and --yes belong to the
  // real run, and the rehearsal keeps its own in a temporary folder, so they are accepted unused.
  addConfigOptions(command, [...new Set([...PLAN_OPTIONS, ...APPLY_OPTIONS])], { hidden: REAL_RUN_ONLY });
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown>) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [
      { rehearse },
      { interactionFor },
      { rehearsalDocument, rehearsalSucceeded, renderRehearsal },
      { checkOutputFiles, writeRunOutputs },
    ] = await Promise.all([
      import("../../pipeline/rehearse.js"),
      import("../interaction.js"),
      import("../render/rehearse.js"),
      import("../outputs.js"),
    ]);
    const ctx = registration.context();
    const config = ctx.config(flags);
    checkOutputFiles(config, ctx.io.cwd);
    // Nothing real is written, so there is nothing to confirm.
    const rehearsal = await rehearse(config, interactionFor(ctx, { yes: true }), (event) => step(ctx, event));
    if (ctx.globals.json) ctx.printJson(rehearsalDocument(rehearsal));
    else ctx.say(renderRehearsal(rehearsal));
    // The report shows the plan against the real target, as `plan --report` would: what the
    // migration would carry. Nothing was confirmed by the real server, so it is not an apply report.
    if (rehearsal.real !== null) {
      writeRunOutputs(
        ctx,
        config,
        { command: "rehearse", stage: "plan", plan: rehearsal.real.plan },
        rehearsal.real,
      );
    }
    registration.setExitCode(rehearsalSucceeded(rehearsal) ? EXIT_OK : 1);
  });
};

const REAL_RUN_ONLY = ["journal", "credentialsFile", "yes"] as const;

/** Progress of the steps, on stderr: the result is what goes to stdout. */
function step(ctx: CommandContext, event: RehearsalEvent): void {
  switch (event.type) {
    case "read":
      ctx.warn(
        `Read ${event.target.kind} ${event.target.version} at ${event.target.url} with ${event.reads} requests, all reads.`,
      );
      return;
    case "sandbox":
      ctx.warn(`Rehearsing in a ${event.kind} ${event.version} sandbox (in this process, on loopback)…`);
      return;
    case "applying":
      ctx.warn(`Applying ${event.plan.actions.length} planned changes to the copy…`);
      return;
    case "verifying":
      ctx.warn("Verifying the copy…");
      return;
  }
}
