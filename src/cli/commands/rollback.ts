import { resolve } from "node:path";
import type { Command } from "commander";
import { EXIT_OK } from "../../errors.js";
import { rollback } from "../../executor/index.js";
import { connectConfiguredTarget } from "../../pipeline/target.js";
import { addConfigOptions, TARGET_OPTIONS } from "../options.js";
import type { RegisterCommand } from "./index.js";
import { confirm, interruptSignal, progressFor } from "./shared.js";

export const registerRollback: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("rollback")
    .description(
      "Restore every value recorded in a journal to what it was before the migration touched it; remove added playlist entries, created playlists and collections (created users only with --include-users).",
    )
    .requiredOption("--journal <file>", "journal written by apply or migrate")
    .option("--include-users", "also delete the users the migration created");
  const keys = [...TARGET_OPTIONS, "yes"] as const;
  addConfigOptions(command, keys);
  command.action(async (flags: Record<string, unknown> & { journal: string; includeUsers?: boolean }) => {
    const ctx = registration.context();
    const { journal, ...rest } = flags;
    const config = ctx.config(rest, keys);
    const journalPath = resolve(ctx.io.cwd, journal);
    const target = await connectConfiguredTarget(config, ctx.warn);
    const progress = progressFor(ctx);
    const interrupt = interruptSignal(ctx);
    try {
      const question = `Roll back the changes recorded in ${journalPath} on ${target.info.url}?`;
      if (!(await confirm(ctx, config, question))) {
        ctx.warn("Nothing was rolled back.");
        registration.setExitCode(1);
        return;
      }
      const result = await rollback(journalPath, target, {
        includeUsers: Boolean(flags.includeUsers),
        progress,
        signal: interrupt.signal,
      });
      if (ctx.globals.json) {
        ctx.printJson({ version: 1, command: "rollback", journal: journalPath, ...result });
      } else {
        ctx.say(
          `Restored ${result.restored}, already restored ${result.alreadyRestored}, conflicts ${result.conflicted}, failed ${result.failed}` +
            (result.keptUsers > 0
              ? `, created users kept ${result.keptUsers} (use --include-users to delete them)`
              : "") +
            ` — ${result.writesSent} writes in ${(result.durationMs / 1000).toFixed(1)}s.`,
        );
        for (const issue of result.conflicts.slice(0, 20))
          ctx.say(`  conflict: ${issue.title}: ${issue.reason}`);
        for (const issue of result.failures.slice(0, 20))
          ctx.say(`  failed:   ${issue.title}: ${issue.reason}`);
        if (result.interrupted) ctx.say("Interrupted: run the same command again to finish.");
      }
      const incomplete =
        result.failed > 0 || result.conflicted > 0 || result.interrupted || result.notStarted > 0;
      registration.setExitCode(incomplete ? 1 : EXIT_OK);
    } finally {
      interrupt.dispose();
      progress.stop();
      target.close();
    }
  });
};
