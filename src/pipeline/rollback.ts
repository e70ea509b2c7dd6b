import type { Config } from "../config/load.js";
import { type RollbackResult, rollback } from "../executor/index.js";
import type { Interaction } from "./interaction.js";
import { requestObserver } from "./log.js";
import { connectConfiguredTarget } from "./target.js";

/**
 * `rollback`: restores what a journal recorded, after asking. Returns null when the person
 * declined.
 */
export async function rollbackJournal(
  journalPath: string,
  config: Config,
  interaction: Interaction,
  options: { includeUsers: boolean },
): Promise<RollbackResult | null> {
  const target = await connectConfiguredTarget(
    config,
    (line) => interaction.warn(line),
    requestObserver(interaction),
  );
  const progress = interaction.progress();
  const interrupt = interaction.interrupt();
  try {
    if (!(await interaction.confirm({ kind: "rollback", journalPath, target: target.info }))) return null;
    return await rollback(journalPath, target, {
      includeUsers: options.includeUsers,
      progress,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
    progress.stop();
    target.close();
  }
}
