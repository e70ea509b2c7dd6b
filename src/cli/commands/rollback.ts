import { resolve } from "node:path";
import type { Command } from "commander";
import { addConfigOptions, listGlobalOptions, TARGET_OPTIONS } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export const registerRollback: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("rollback")
    .description(
      "restore every value recorded in a journal to what it was before the migration touched it; remove added playlist entries, created playlists and collections (created users only with --include-users)",
    )
    .requiredOption("--journal <file>", "journal written by apply or migrate")
    .option("--include-users", "also delete the users the migration created");
  const keys = [...TARGET_OPTIONS, "yes"] as const;
  addConfigOptions(command, keys);
  listGlobalOptions(command, ["config", "json"]);
  command.action(async (flags: Record<string, unknown> & { journal: string; includeUsers?: boolean }) => {
    // Loaded when the command runs, not when help is printed (issue 14, start).
    const [{ rollbackJournal }, { interactionFor }, { renderRollback, rollbackDocument }, { runExitCode }] =
      await Promise.all([
        import("../../pipeline/rollback.js"),
        import("../interaction.js"),
        import("../render/rollback.js"),
        import("../report.js"),
      ]);
    const ctx = registration.context();
    const { journal, ...rest } = flags;
    const config = ctx.config(rest, keys);
    const journalPath = resolve(ctx.io.cwd, journal);
    const result = await rollbackJournal(journalPath, config, interactionFor(ctx, config), {
      includeUsers: Boolean(flags.includeUsers),
    });
    if (result === null) {
      ctx.warn("Nothing was rolled back.");
      registration.setExitCode(1);
      return;
    }
    if (ctx.globals.json) ctx.printJson(rollbackDocument(journalPath, result));
    else for (const line of renderRollback(result)) ctx.say(line);
    registration.setExitCode(runExitCode(result));
  });
};
