import { ConfigError } from "../errors.js";
import { packageVersion } from "../paths.js";
import type { Progress } from "../progress.js";
import type { TargetAdapter } from "../targets/types.js";
import { attempt, type Backoff, backoffOf } from "./attempt.js";
import { RunContext, type RunSettings, type Undo } from "./context.js";
import { Journal, type JournalRow } from "./journal/index.js";
import { undo } from "./undo/index.js";
import { settleRestored } from "./undo/settle.js";

export interface RollbackOptions extends RunSettings {
  /** Also delete the users the migration created (`--include-users`). */
  includeUsers: boolean;
  progress: Progress;
}

export interface RollbackIssue {
  key: string;
  type: string;
  title: string;
  reason: string;
}

export interface RollbackResult {
  restored: number;
  alreadyRestored: number;
  conflicted: number;
  failed: number;
  /** Created users left in place (no `includeUsers`). */
  keptUsers: number;
  notStarted: number;
  conflicts: RollbackIssue[];
  failures: RollbackIssue[];
  writesSent: number;
  durationMs: number;
  interrupted: boolean;
}

/**
 * Undoes what a journal recorded, latest confirmation first: prior user-data values come
 * back (only where the target still holds what the migration wrote), added entries and
 * members go, created playlists and collections are deleted, created users only with
 * `includeUsers`. Each step re-checks the target and is journaled, so an interrupted
 * rollback run again finishes the job and a second one changes nothing.
 */
export async function rollback(
  journalPath: string,
  adapter: TargetAdapter,
  options: RollbackOptions,
): Promise<RollbackResult> {
  const started = Date.now();
  const server = await adapter.check();
  const journal = Journal.openExisting(journalPath, { toolVersion: packageVersion(), now: options.now });
  try {
    if (journal.target.serverId !== server.serverId) {
      throw new ConfigError(
        `the journal ${journalPath} belongs to target server ${journal.target.serverId} (${journal.target.url}), not ${server.serverId}`,
        { hint: "Roll back against the server the journal was written for." },
      );
    }
    // One step at a time: undoing in reverse order is what makes dependent steps safe.
    const ctx = new RunContext(adapter, journal, 1, options.signal);
    const backoff = backoffOf(options);
    const runId = journal.startRun("rollback");
    const rows = journal.rowsForRollback().filter((row) => row.rollbackStatus !== "done");
    const task = options.progress.task("rolling back", rows.length);
    const result: RollbackResult = {
      restored: 0,
      alreadyRestored: 0,
      conflicted: 0,
      failed: 0,
      keptUsers: 0,
      notStarted: 0,
      conflicts: [],
      failures: [],
      writesSent: 0,
      durationMs: 0,
      interrupted: false,
    };
    const issueOf = (row: JournalRow, reason: string) => ({
      key: row.key,
      type: row.type,
      title: row.title ?? "",
      reason,
    });
    const restoredValues: JournalRow[] = [];
    for (const row of rows) {
      const issue = (reason: string) => issueOf(row, reason);
      const outcome = ctx.stopped
        ? undefined
        : await undoWithRetries(row, ctx, backoff, options.includeUsers);
      task.tick();
      if (outcome === undefined) result.notStarted += 1;
      else if (outcome.kind === "restored") {
        result.restored += 1;
        if (row.type === "set-user-data") restoredValues.push(row);
      } else if (outcome.kind === "already") result.alreadyRestored += 1;
      else if (outcome.kind === "kept") result.keptUsers += 1;
      else if (outcome.kind === "conflict") {
        result.conflicted += 1;
        result.conflicts.push(issue(outcome.reason));
      } else {
        result.failed += 1;
        result.failures.push(issue(outcome.reason));
      }
    }
    task.finish();
    if (!ctx.stopped && restoredValues.length > 0) {
      const settle = options.progress.task("checking restored values", restoredValues.length);
      const unsettled = await settleRestored(restoredValues, ctx, (count) => settle.tick(count)).catch(
        (error: unknown) => {
          ctx.stop(error);
          return [];
        },
      );
      for (const { row, kind, reason } of unsettled) {
        ctx.journal.settleRollback(row.key, kind, reason);
        result.restored -= 1;
        if (kind === "conflict") {
          result.conflicted += 1;
          result.conflicts.push(issueOf(row, reason));
        } else {
          result.failed += 1;
          result.failures.push(issueOf(row, reason));
        }
      }
      settle.finish();
    }
    result.writesSent = ctx.writesSent;
    result.durationMs = Date.now() - started;
    result.interrupted = ctx.interrupted;
    ctx.finishRun(runId);
    return result;
  } finally {
    journal.close();
  }
}

type Settled = Undo | { kind: "failed"; reason: string } | undefined;

/** One journal row undone, retried like an apply action; its outcome is journaled. */
function undoWithRetries(
  row: JournalRow,
  ctx: RunContext,
  backoff: Backoff,
  includeUsers: boolean,
): Promise<Settled> {
  return attempt<Settled>(ctx, backoff, {
    run: async () => {
      const outcome = await undo(row, ctx, includeUsers);
      ctx.journal.settleRollback(
        row.key,
        outcome.kind === "conflict" ? "conflict" : outcome.kind === "kept" ? "kept" : "done",
        outcome.kind === "conflict" ? outcome.reason : null,
      );
      return outcome;
    },
    fail: (error) => {
      const reason = error instanceof Error ? error.message : String(error);
      ctx.journal.settleRollback(row.key, "failed", reason);
      return { kind: "failed", reason };
    },
  });
}
