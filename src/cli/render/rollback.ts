import type { RollbackResult } from "../../executor/index.js";
import type { TargetServerInfo } from "../../model/index.js";

/** The question before restoring anything. */
export function rollbackQuestion(journalPath: string, target: TargetServerInfo): string {
  return `Roll back the changes recorded in ${journalPath} on ${target.url}?`;
}

/** The rollback summary for people: counts, then the first conflicts and failures. */
export function renderRollback(result: RollbackResult): string[] {
  const lines = [
    `Restored ${result.restored}, already restored ${result.alreadyRestored}, conflicts ${result.conflicted}, failed ${result.failed}` +
      (result.keptUsers > 0
        ? `, created users kept ${result.keptUsers} (use --include-users to delete them)`
        : "") +
      ` — ${result.writesSent} writes in ${(result.durationMs / 1000).toFixed(1)}s.`,
  ];
  for (const issue of result.conflicts.slice(0, 20))
    lines.push(`  conflict: ${issue.title}: ${issue.reason}`);
  for (const issue of result.failures.slice(0, 20)) lines.push(`  failed:   ${issue.title}: ${issue.reason}`);
  if (result.interrupted) lines.push("Interrupted: run the same command again to finish.");
  return lines;
}

/** The `rollback --json` document (docs/json-output.md). */
export function rollbackDocument(journalPath: string, result: RollbackResult) {
  return { version: 1, command: "rollback", journal: journalPath, ...result };
}
