import type { RollbackResult } from "../../executor/index.js";
import type { TargetServerInfo } from "../../model/index.js";
import type { RollbackPreview } from "../../pipeline/rollback.js";
import { plural } from "./format.js";

/**
 * The question before restoring anything, with what it will undo:
 * "Roll back 37 changes (users 2, user data 30, playlists 4, collections 1) recorded in FILE on URL?".
 */
export function rollbackQuestion(
  journalPath: string,
  target: TargetServerInfo,
  preview: RollbackPreview,
): string {
  const parts = (
    [
      ["users", preview.users],
      ["user data", preview.userData],
      ["playlists", preview.playlists],
      ["collections", preview.collections],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`);
  const kept =
    preview.keptUsers > 0
      ? ` (${plural(preview.keptUsers, "created user")} ${preview.keptUsers === 1 ? "stays" : "stay"}; --include-users deletes ${preview.keptUsers === 1 ? "it" : "them"})`
      : "";
  return `Roll back ${plural(preview.changes, "change")} (${parts.join(", ")}) recorded in ${journalPath} on ${target.url}?${kept}`;
}

/** The rollback summary for people: counts, then the first conflicts and failures. */
export function renderRollback(result: RollbackResult): string[] {
  const lines = [
    `Restored ${result.restored}, already restored ${result.alreadyRestored}, conflicts ${result.conflicted}, failed ${result.failed}` +
      (result.notStarted > 0 ? `, not started ${result.notStarted}` : "") +
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
