import type { Config } from "../config/load.js";
import { Journal, type RollbackResult, rollback } from "../executor/index.js";
import { packageVersion } from "../paths.js";
import type { Interaction } from "./interaction.js";
import { connectConfiguredTarget } from "./target.js";

/** What a rollback would undo, read from the journal before anyone is asked. */
export interface RollbackPreview {
  /** Journal rows still to undo (users only with --include-users). */
  changes: number;
  users: number;
  userData: number;
  playlists: number;
  collections: number;
  /** Created users that stay because --include-users was not given. */
  keptUsers: number;
  /** The target server the journal was written for. */
  serverId: string;
}

/** Counts what `rollback` would undo, by kind of change; the journal is only read. */
export function previewRollback(journalPath: string, includeUsers: boolean): RollbackPreview {
  const journal = Journal.openExisting(journalPath, { toolVersion: packageVersion() });
  try {
    const preview: RollbackPreview = {
      changes: 0,
      users: 0,
      userData: 0,
      playlists: 0,
      collections: 0,
      keptUsers: 0,
      serverId: journal.target.serverId,
    };
    for (const row of journal.rowsForRollback()) {
      if (row.rollbackStatus === "done") continue;
      if (row.type === "create-user" && !includeUsers) {
        preview.keptUsers += 1;
        continue;
      }
      preview.changes += 1;
      if (row.type === "create-user") preview.users += 1;
      else if (row.type === "set-user-data") preview.userData += 1;
      else if (row.type.includes("playlist")) preview.playlists += 1;
      else preview.collections += 1;
    }
    return preview;
  } finally {
    journal.close();
  }
}

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
  const target = await connectConfiguredTarget(config, interaction);
  const progress = interaction.progress();
  const interrupt = interaction.interrupt();
  try {
    const preview = previewRollback(journalPath, options.includeUsers);
    // Asked only when there is something to undo on this server; a journal of another server
    // is refused by the rollback itself, with the reason.
    const ask = preview.changes > 0 && preview.serverId === target.info.serverId;
    if (
      ask &&
      !(await interaction.confirm({ kind: "rollback", journalPath, target: target.info, preview }))
    ) {
      return null;
    }
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
