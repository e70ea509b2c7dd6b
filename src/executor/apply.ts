import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { nameKey } from "../model/index.js";
import { packageVersion } from "../paths.js";
import type { Action, Plan, PlanUserRef } from "../planner/plan.js";
import type { Progress } from "../progress.js";
import type { TargetAdapter } from "../targets/types.js";
import { addToContainer, collectionApi, createContainer, playlistApi } from "./actions/containers.js";
import { setUserData } from "./actions/user-data.js";
import { createUser, type UserRun } from "./actions/users.js";
import { backoffOf, retrying } from "./attempt.js";
import { fingerprint, type Outcome, RunContext, type RunSettings, Stopped } from "./context.js";
import { type ActionInfo, Journal } from "./journal/index.js";
import { runActions } from "./runner.js";

export interface ApplyOptions extends RunSettings {
  journalPath: string;
  /** Bound of each queue (lookups, writes). */
  concurrency: number;
  /** Where created users' passwords go (mode 0600, appended). */
  credentialsFile: string;
  progress: Progress;
  /** For tests: caps the journal's size in pages to simulate a full disk. */
  journalMaxPageCount?: number;
}

/** An action that did not reach its wanted state, for the report. Never holds a secret. */
export interface ActionIssue {
  key: string;
  type: Action["type"];
  title: string;
  reason: string;
}

export interface ApplyResult {
  applied: number;
  alreadyDone: number;
  conflicted: number;
  failed: number;
  skipped: number;
  /** Actions not attempted because the run was interrupted or stopped. */
  notStarted: number;
  conflicts: ActionIssue[];
  failures: ActionIssue[];
  skips: ActionIssue[];
  writesSent: number;
  durationMs: number;
  interrupted: boolean;
  /** Path of the credentials file when this run wrote passwords to it. */
  credentialsFile: string | null;
  journalPath: string;
  /** How each action ended, by action key: reports tell per person what was confirmed. */
  outcomes: ReadonlyMap<string, Outcome["kind"]>;
}

export function titleOf(action: Action): string {
  return action.type === "create-user" ? action.user.name : action.title;
}

const PHASE_ORDER: Record<Action["type"], number> = {
  "create-user": 0,
  "set-user-data": 1,
  "create-playlist": 2,
  "add-playlist-entries": 3,
  "create-collection": 4,
  "add-collection-members": 5,
};

/**
 * Executes a plan against the target: the only code that writes to a target. Users are
 * created first; then user data, playlists and collections. See docs/journal.md.
 */
export async function applyPlan(
  plan: Plan,
  adapter: TargetAdapter,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const server = await adapter.check();
  if (server.serverId !== plan.target.serverId) {
    throw new ConfigError(
      `the plan was made for target server ${plan.target.serverId} (${plan.target.url}), but ${server.url} is ${server.serverId}`,
      { hint: "Make a new plan against this server, or point the tool at the server the plan was made for." },
    );
  }
  const journal = Journal.open(
    options.journalPath,
    { serverId: server.serverId, url: server.url, kind: server.kind },
    { toolVersion: packageVersion(), now, maxPageCount: options.journalMaxPageCount },
  );
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const ctx = new RunContext(adapter, journal, concurrency, options.signal);
  const users: UserRun = {
    credentialsFile: options.credentialsFile,
    credentialsWritten: false,
    passwords: new Map(),
  };
  const outcomes = new Map<string, Outcome>();
  const task = options.progress.task("applying", plan.actions.length);
  try {
    const runId = journal.startRun("apply", {
      fingerprint: fingerprint(plan.actions),
      createdAt: plan.createdAt,
    });
    const ordered = [...plan.actions].sort((a, b) => PHASE_ORDER[a.type] - PHASE_ORDER[b.type]);
    const creations = ordered.filter((a) => a.type === "create-user");
    const rest = ordered.filter((a) => a.type !== "create-user");
    const runOptions = { concurrency, ...backoffOf(options) };
    const record = (action: Action, outcome: Outcome) => {
      outcomes.set(action.key, outcome);
      task.tick();
    };

    const noUsers = new Map<string, string>();
    await runActions(
      creations,
      ctx,
      runOptions,
      record,
      (action) =>
        action.type === "create-user"
          ? createUser(action, ctx, users)
          : Promise.reject(new Error("not a user")),
      (action) => infoOf(action, noUsers),
    );
    // Users the plan creates are known by name only; resolve them once, after creation.
    let userIds = noUsers;
    if (!ctx.stopped && rest.length > 0) {
      try {
        userIds = await retrying(ctx, runOptions, () => resolveUsers(ctx));
      } catch (error) {
        if (!(error instanceof Stopped)) ctx.stop(error);
      }
    }
    await runActions(
      rest,
      ctx,
      runOptions,
      record,
      (action) => runOne(action, ctx, userIds),
      (action) => infoOf(action, userIds),
    );
    task.finish();

    const result = summarize(plan.actions, outcomes, ctx, started, users);
    ctx.finishRun(runId);
    return result;
  } finally {
    journal.close();
  }
}

function infoOf(action: Action, userIds: Map<string, string>): ActionInfo {
  const user = "user" in action ? action.user : null;
  return {
    type: action.type,
    fingerprint: "",
    userId: user === null || action.type === "create-user" ? null : (userIdOf(user, userIds) ?? null),
    userName: user?.name ?? null,
    // The item a user-data write is for, or the existing container items are added to.
    itemId:
      action.type === "set-user-data"
        ? action.itemId
        : action.type === "add-playlist-entries"
          ? action.playlistId
          : action.type === "add-collection-members"
            ? action.collectionId
            : null,
    title: titleOf(action),
  };
}

async function resolveUsers(ctx: RunContext): Promise<Map<string, string>> {
  const list = await ctx.lookup(() => ctx.adapter.listUsers());
  return new Map(list.map((u) => [nameKey(u.name), u.id]));
}

function userIdOf(ref: PlanUserRef, userIds: Map<string, string>): string | undefined {
  return ref.id ?? userIds.get(nameKey(ref.name));
}

function runOne(action: Action, ctx: RunContext, userIds: Map<string, string>): Promise<Outcome> {
  if (action.type === "create-collection") return createContainer(action, collectionApi(ctx.adapter), ctx);
  if (action.type === "add-collection-members") {
    return addToContainer({ ...action, id: action.collectionId }, collectionApi(ctx.adapter), ctx);
  }
  if (action.type === "create-user") return Promise.reject(new Error("users are created in the first phase"));
  const userId = userIdOf(action.user, userIds);
  if (userId === undefined) {
    return Promise.resolve({ kind: "skipped", reason: `the target user ${action.user.name} does not exist` });
  }
  switch (action.type) {
    case "set-user-data":
      return setUserData(action, userId, ctx);
    case "create-playlist":
      return createContainer(action, playlistApi(ctx.adapter, userId), ctx);
    case "add-playlist-entries":
      return addToContainer({ ...action, id: action.playlistId }, playlistApi(ctx.adapter, userId), ctx);
  }
}

function summarize(
  actions: readonly Action[],
  outcomes: Map<string, Outcome>,
  ctx: RunContext,
  started: number,
  users: UserRun,
): ApplyResult {
  const kinds = new Map<string, Outcome["kind"]>();
  const result: ApplyResult = {
    applied: 0,
    alreadyDone: 0,
    conflicted: 0,
    failed: 0,
    skipped: 0,
    notStarted: 0,
    conflicts: [],
    failures: [],
    skips: [],
    writesSent: ctx.writesSent,
    durationMs: Date.now() - started,
    interrupted: ctx.interrupted,
    credentialsFile: users.credentialsWritten ? resolve(users.credentialsFile) : null,
    journalPath: resolve(ctx.journal.path),
    outcomes: kinds,
  };
  for (const action of actions) {
    const outcome = outcomes.get(action.key) ?? { kind: "not-started" };
    kinds.set(action.key, outcome.kind);
    const issue = (reason: string): ActionIssue => ({
      key: action.key,
      type: action.type,
      title: titleOf(action),
      reason,
    });
    switch (outcome.kind) {
      case "applied":
        result.applied += 1;
        break;
      case "already-done":
        result.alreadyDone += 1;
        break;
      case "conflict":
        result.conflicted += 1;
        result.conflicts.push(issue(outcome.reason));
        break;
      case "failed":
        result.failed += 1;
        result.failures.push(issue(outcome.reason));
        break;
      case "skipped":
        result.skipped += 1;
        result.skips.push(issue(outcome.reason));
        break;
      case "not-started":
        result.notStarted += 1;
        break;
    }
  }
  return result;
}
