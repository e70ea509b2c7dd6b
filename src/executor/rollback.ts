import PQueue from "p-queue";
import { ConfigError, PlexodusError } from "../errors.js";
import { sameName } from "../model/index.js";
import { packageVersion } from "../paths.js";
import type { PlanUserData } from "../planner/plan.js";
import type { Progress } from "../progress.js";
import type { RetryPolicy } from "../retry.js";
import type { TargetAdapter } from "../targets/types.js";
import { attempt, type Backoff, backoffOf } from "./attempt.js";
import { RunContext } from "./context.js";
import { Journal, type JournalRow } from "./journal/index.js";
import { restoreContainer } from "./undo-containers.js";
import {
  holds,
  type PlanUserDataPart,
  pick,
  sameIn,
  toChange,
  toPlanForm,
  type UserDataField,
} from "./user-data.js";

export interface RollbackOptions {
  /** Also delete the users the migration created (`--include-users`). */
  includeUsers: boolean;
  progress: Progress;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
  random?: () => number;
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

export type Undo =
  | { kind: "restored" }
  | { kind: "already" }
  | { kind: "kept" }
  | { kind: "conflict"; reason: string };

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
    const ctx = new RunContext(
      adapter,
      journal,
      new PQueue({ concurrency: 1 }),
      new PQueue({ concurrency: 1 }),
      options.signal,
    );
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
    for (const row of rows) {
      const issue = (reason: string) => ({ key: row.key, type: row.type, title: row.title ?? "", reason });
      const outcome = ctx.stopped
        ? undefined
        : await undoWithRetries(row, ctx, backoff, options.includeUsers);
      task.tick();
      if (outcome === undefined) result.notStarted += 1;
      else if (outcome.kind === "restored") result.restored += 1;
      else if (outcome.kind === "already") result.alreadyRestored += 1;
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
    result.writesSent = ctx.writesSent;
    result.durationMs = Date.now() - started;
    result.interrupted = options.signal?.aborted === true;
    journal.finishRun(
      runId,
      ctx.fatalError !== undefined ? "stopped" : result.interrupted ? "interrupted" : "finished",
    );
    if (ctx.fatalError !== undefined) throw ctx.fatalError;
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

const noJournalBefore = () => {};

function undo(row: JournalRow, ctx: RunContext, includeUsers: boolean): Promise<Undo> {
  switch (row.type) {
    case "set-user-data":
      return restoreUserData(row, ctx);
    case "create-user":
      return includeUsers ? deleteUser(row, ctx) : Promise.resolve({ kind: "kept" });
    default:
      return restoreContainer(row, ctx);
  }
}

async function restoreUserData(row: JournalRow, ctx: RunContext): Promise<Undo> {
  const original = row.original as PlanUserData | null;
  if (row.userId === null || row.itemId === null || original === null) return { kind: "already" };
  const { userId, itemId } = row;
  const fields = row.fields as UserDataField[];
  const current = toPlanForm(await ctx.lookup(() => ctx.adapter.getUserData(userId, itemId)));
  if (sameIn(current, original, fields)) return { kind: "already" };
  const wrote =
    holds(current, pick(row.wanted as PlanUserData, fields)) ||
    (row.result !== null && sameIn(current, row.result as PlanUserData, fields));
  if (!wrote) {
    return { kind: "conflict", reason: "the target no longer holds what the migration wrote; left as it is" };
  }
  const prior: PlanUserDataPart = pick(original, fields);
  const after = toPlanForm(
    await ctx.write(noJournalBefore, () => ctx.adapter.setUserData(userId, itemId, toChange(prior))),
  );
  if (!holds(after, prior)) throw new PlexodusError("failed", "the target did not take the prior value back");
  return { kind: "restored" };
}

async function deleteUser(row: JournalRow, ctx: RunContext): Promise<Undo> {
  const users = await ctx.lookup(() => ctx.adapter.listUsers());
  // A creation whose confirmation was lost is recognised by name, as apply does.
  const user =
    users.find((u) => u.id === row.created.userId) ??
    (row.status === "prior-recorded" && row.userName !== null
      ? users.find((u) => sameName(u.name, row.userName!))
      : undefined);
  if (user === undefined) return { kind: "already" };
  await ctx.write(noJournalBefore, () => ctx.adapter.deleteUser(user.id));
  return { kind: "restored" };
}
