import type { Command } from "commander";
import { EXIT_CHANGES, EXIT_OK } from "../../errors.js";
import { findDrift, renderDrift, summarizePlan } from "../../planner/index.js";
import { addConfigOptions } from "../options.js";
import type { RegisterCommand } from "./index.js";
import { makePlan, PLAN_OPTIONS } from "./plan.js";

/**
 * `verify` reads both sides again and plans anew: whatever the new plan would still change
 * is drift — an item, playlist, collection or user on the target that disagrees with what
 * the migration should have produced.
 */
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
    const prepared = await makePlan(ctx, config);
    const drift = findDrift(prepared.plan);
    if (ctx.globals.json) {
      const summary = summarizePlan(prepared.plan);
      ctx.printJson({
        version: 1,
        command: "verify",
        drift: drift.length,
        summary: { drift: summary.planned, skipped: summary.skipped, unmatched: summary.unmatched },
        entries: drift,
        unmatched: prepared.plan.unmatched,
        limitations: prepared.plan.limitations,
      });
    } else if (drift.length === 0) {
      ctx.say("No drift: the target holds everything the migration should have produced.");
      if (prepared.plan.unmatched.length > 0) {
        ctx.say(
          `(${prepared.plan.unmatched.length} source items have no target item; see \`plexodus plan\`.)`,
        );
      }
    } else {
      ctx.say(renderDrift(drift));
    }
    // "No drift" on a target that could not take everything must not read as "all migrated".
    if (!ctx.globals.json && prepared.plan.limitations.length > 0) {
      ctx.say("Limitations (what this target cannot hold, so verify cannot expect it):");
      for (const limitation of prepared.plan.limitations) ctx.say(`  ! ${limitation}`);
    }
    registration.setExitCode(drift.length > 0 ? EXIT_CHANGES : EXIT_OK);
  });
};
