import { ConfigError } from "../errors.js";
import type { TargetUser } from "../model/index.js";
import { nameKey } from "../model/index.js";
import { packageVersion } from "../paths.js";
import { PlanDigestStream, type PlanDigests, planDigestStream } from "../planner/digest.js";
import { typeAt, userDataTargetAt } from "../planner/packed.js";
import type { Action, Plan, PlanUserRef } from "../planner/plan.js";
import type { Progress, ProgressTask } from "../progress.js";
import type { TargetAdapter } from "../targets/types.js";
import { addToContainer, collectionApi, createContainer, playlistApi } from "./actions/containers.js";
import { setUserData } from "./actions/user-data.js";
import { createUser, finishUsersWithoutPassword, type UserRun } from "./actions/users.js";
import { backoffOf, retrying } from "./attempt.js";
import { type Outcome, RunContext, type RunSettings, Stopped } from "./context.js";
import { type ActionInfo, Journal } from "./journal/index.js";
import { READ_BACK_IN_FLIGHT, ReadBacks } from "./readback.js";
import { type EarlyRead, readEarly, UserDataChecks } from "./recheck.js";
import { type ApplyResult, type ResumeState, summarize, titleOf } from "./result.js";
import { type RunOptions, runActions } from "./runner.js";

export { type ActionIssue, type ApplyResult, type ResumeState, titleOf } from "./result.js";

export interface ApplyOptions extends RunSettings {
  journalPath: string;
  /** Bound of each queue (lookups, writes). */
  concurrency: number;
  /** Where created users' passwords go (mode 0600, appended). */
  credentialsFile: string;
  progress: Progress;
  /** Passes after the first over actions that failed transiently (rclone's --retries); default 3. */
  retryPasses?: number;
  /** No retry pass starts later than this long after the first pass ended; default 15 minutes. */
  retryTimeMs?: number;
  /** Told once the journal is open, before any action runs. */
  onStart?: (start: { resume: ResumeState | null }) => void;
  /** For tests: caps the journal's size in pages to simulate a full disk. */
  journalMaxPageCount?: number;
}

export const DEFAULT_RETRY_PASSES = 3;
export const DEFAULT_RETRY_TIME_MS = 15 * 60_000;

const PHASE_ORDER: Record<Action["type"], number> = {
  "create-user": 0,
  "set-user-data": 1,
  "create-playlist": 2,
  "add-playlist-entries": 3,
  "create-collection": 4,
  "add-collection-members": 5,
};
const PHASE_COUNT = 6;

// Outcomes without details are shared: a run keeps every action's last outcome.
const APPLIED: Outcome = Object.freeze({ kind: "applied" });
const ALREADY_DONE: Outcome = Object.freeze({ kind: "already-done" });

/** Whether an action's outcome is worth another pass: the server was busy past the attempts. */
function failedTransiently(outcome: Outcome | undefined): boolean {
  return outcome?.kind === "failed" && outcome.transient === true;
}

/** What the journal already holds of this plan; null when this plan never ran with it. */
function resumeState(journal: Journal, plan: Plan, digests: Digests): ResumeState | null {
  const held = journal.statuses();
  if (held.size === 0) return null;
  // Every action's fingerprint is compared: worked out in one go, in plan order.
  const prints = digests instanceof PlanDigestStream ? digests.complete().actions : digests.actions;
  let known = 0;
  let done = 0;
  plan.actions.forEach((action, i) => {
    const row = held.get(action.key);
    if (row === undefined || row.fingerprint !== prints.at(i)) return;
    known += 1;
    if (row.status === "done") done += 1;
  });
  return known === 0 ? null : { done, remaining: plan.actions.length - done };
}

/**
 * The actions' places in the plan, in the order a pass takes them: phase by phase, in plan
 * order within a phase. Actions are handled by their place (in typed arrays, not maps keyed by
 * action key): a plan can hold millions (issue 14, scale).
 */
function phaseOrder(actions: readonly Action[]): Int32Array {
  const starts = new Array<number>(PHASE_COUNT + 1).fill(0);
  for (let i = 0; i < actions.length; i++) starts[PHASE_ORDER[typeAt(actions, i)] + 1]! += 1;
  for (let phase = 1; phase <= PHASE_COUNT; phase++) starts[phase]! += starts[phase - 1]!;
  const order = new Int32Array(actions.length);
  for (let i = 0; i < actions.length; i++) order[starts[PHASE_ORDER[typeAt(actions, i)]]!++] = i;
  return order;
}

/**
 * Executes a plan against the target: the only code that writes to a target. Users are
 * created first; then user data, playlists and collections. Actions that failed because
 * the server stayed busy get further passes at the end (bounded in number and time), like
 * rclone's --retries. See docs/journal.md.
 */
export async function applyPlan(
  plan: Plan,
  adapter: TargetAdapter,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const checked = adapter.check();
  checked.catch(() => undefined);
  // Without user creations, the users the first pass resolves are those of the server now,
  // and its first re-check is for users the plan knows by id: both are read at once with the
  // connection check (one round trip, not three), and only used once the server is confirmed.
  const ordered = phaseOrder(plan.actions);
  // User creations come first in phase order.
  const creates = ordered.length > 0 && typeAt(plan.actions, ordered[0]!) === "create-user";
  const usersAhead = creates || plan.actions.length === 0 ? undefined : adapter.listUsers();
  usersAhead?.catch(() => undefined);
  const earlyRead = creates
    ? undefined
    : readEarly(userDataWrites(plan.actions, ordered, new Map()), (userId, ids) =>
        adapter.readUserData(userId, ids),
      );
  // The local work before the first write (opening the journal) is done while the target
  // answers the reads that must come first, not after them: each read is a round trip.
  await requestsSent();
  // The journal's fingerprints: known already when a saved plan was read, otherwise worked
  // out as the run goes (each action's when it is first journaled).
  const digests = planDigestStream(plan);
  const server = await checked;
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
  // Filled by push, not new Array(n) (V8 keeps a long array made that way as a dictionary),
  // nor by map (it would make every packed action).
  const outcomes: Array<Outcome | undefined> = [];
  for (let i = 0; i < plan.actions.length; i++) outcomes.push(undefined);
  let hashing: { stop(): void } | undefined;
  try {
    const resume = resumeState(journal, plan, digests);
    options.onStart?.({ resume });
    const runId = journal.startRun("apply", {
      fingerprint: doneDigests(digests)?.digest ?? null,
      createdAt: plan.createdAt,
    });
    hashing = hashInBackground(digests);
    const run: Run = {
      ctx,
      runOptions: { concurrency, ...backoffOf(options) },
      users,
      actions: plan.actions,
      outcomes,
      fingerprints: digests instanceof PlanDigestStream ? digests : digests.actions,
      usersAhead,
      earlyRead,
    };
    // Only user creations can share a key with the journal's users left without a password.
    const creationKeys = new Set<string>();
    for (const i of ordered) {
      if (typeAt(plan.actions, i) !== "create-user") break;
      creationKeys.add(plan.actions[i]!.key);
    }
    const earlier = await finishUsersWithoutPassword(ctx, users, run.runOptions, creationKeys);
    await runPass(run, ordered, options.progress.task("applying", ordered.length));
    const passes = options.retryPasses ?? DEFAULT_RETRY_PASSES;
    const deadline = Date.now() + (options.retryTimeMs ?? DEFAULT_RETRY_TIME_MS);
    let retryPasses = 0;
    while (retryPasses < passes && !ctx.stopped && Date.now() < deadline) {
      const again = retrySet(plan.actions, ordered, outcomes);
      if (again.length === 0) break;
      retryPasses += 1;
      await runPass(run, again, options.progress.task(`retry pass ${retryPasses}`, again.length));
    }

    const result = summarize(plan.actions, outcomes, {
      ctx,
      started,
      retryPasses,
      resume,
      earlier,
      credentialsFile: users.credentialsWritten ? users.credentialsFile : null,
    });
    hashing.stop();
    // The plan's digest once known: always, unless the run was stopped early (a big plan's
    // remaining actions are not hashed just for the record).
    const digest = ctx.stopped ? doneDigests(digests)?.digest : completeDigests(digests).digest;
    ctx.finishRun(runId, digest ?? null);
    return result;
  } finally {
    // A run that threw leaves no digest work behind it.
    hashing?.stop();
    journal.close();
  }
}

/** What every pass of one run shares. Actions are known by their place in `actions`. */
interface Run {
  ctx: RunContext;
  runOptions: RunOptions;
  users: UserRun;
  actions: readonly Action[];
  /** The latest outcome of each action. */
  outcomes: Array<Outcome | undefined>;
  /** Each action's journal fingerprint. */
  fingerprints: { at(place: number): string | undefined };
  /** The target's users, read while the run started; taken by the first user resolution. */
  usersAhead: Promise<TargetUser[]> | undefined;
  /** The first re-check, read while the run started; offered to the first pass. */
  earlyRead: EarlyRead | undefined;
}

type Digests = PlanDigestStream | PlanDigests;

function doneDigests(digests: Digests): PlanDigests | undefined {
  return digests instanceof PlanDigestStream ? digests.done : digests;
}

function completeDigests(digests: Digests): PlanDigests {
  return digests instanceof PlanDigestStream ? digests.complete() : digests;
}

/**
 * Hashes the plan's actions a millisecond at a time between the run's events, ahead of the
 * executor, so that no action waits for its fingerprint and the plan's digest is ready when
 * the run ends.
 */
function hashInBackground(digests: Digests): { stop(): void } {
  if (!(digests instanceof PlanDigestStream)) return { stop() {} };
  let timer: NodeJS.Immediate | undefined;
  const step = () => {
    timer = digests.advance(1) ? undefined : setImmediate(step);
  };
  timer = setImmediate(step);
  return {
    stop() {
      if (timer !== undefined) clearImmediate(timer);
      timer = undefined;
    },
  };
}

/** Lets the requests just made go out before synchronous work holds the event loop. */
function requestsSent(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The actions a retry pass takes: those that failed transiently, and when a user creation is
 * among them, the actions skipped because that user did not exist yet.
 */
function retrySet(
  actions: readonly Action[],
  ordered: Int32Array,
  outcomes: ReadonlyArray<Outcome | undefined>,
): Int32Array {
  const creationsAgain = ordered.some(
    (i) => typeAt(actions, i) === "create-user" && failedTransiently(outcomes[i]),
  );
  return ordered.filter((i) => {
    const outcome = outcomes[i];
    if (failedTransiently(outcome)) return true;
    return creationsAgain && outcome?.kind === "skipped" && outcome.userMissing === true;
  });
}

/** Names (nameKey) of users the plan creates whose creation is not confirmed (yet). */
function unconfirmedUsers(run: Run): Set<string> {
  const confirmed = (outcome: Outcome | undefined) =>
    outcome?.kind === "applied" || outcome?.kind === "already-done";
  const names = new Set<string>();
  for (let i = 0; i < run.actions.length; i++) {
    if (typeAt(run.actions, i) !== "create-user" || confirmed(run.outcomes[i])) continue;
    names.add(nameKey(titleOf(run.actions[i]!)));
  }
  return names;
}

/** One pass over some actions: user creations first, then the rest with the users resolved. */
async function runPass(run: Run, places: Int32Array, task: ProgressTask): Promise<void> {
  const { ctx, runOptions, actions } = run;
  const record = (i: number, outcome: Outcome) => {
    // An action a later pass did not get to keeps the outcome of the pass that tried it.
    if (outcome.kind !== "not-started" || run.outcomes[i] === undefined)
      run.outcomes[i] =
        outcome.kind === "applied" ? APPLIED : outcome.kind === "already-done" ? ALREADY_DONE : outcome;
    // Progress counts the actions dealt with; after Ctrl-C the rest is not.
    if (outcome.kind !== "not-started") task.tick();
  };
  const infoOf = (i: number, userIds: Map<string, string>): ActionInfo => ({
    ...actionInfo(actions[i]!, userIds),
    fingerprint: run.fingerprints.at(i)!,
  });
  const creations = places.filter((i) => typeAt(actions, i) === "create-user");
  const rest = places.filter((i) => typeAt(actions, i) !== "create-user");
  const noUsers = new Map<string, string>();
  await runActions(
    actions,
    creations,
    ctx,
    runOptions,
    record,
    (action) =>
      action.type === "create-user"
        ? createUser(action, ctx, run.users)
        : Promise.reject(new Error("not a user")),
    (i) => infoOf(i, noUsers),
  );
  // Users the plan creates are known by name only; resolve them once, after creation. One
  // whose creation is not confirmed (it may lack its password) is not used.
  let userIds = noUsers;
  let held = new Set<string>();
  if (!ctx.stopped && rest.length > 0) {
    try {
      ({ ids: userIds, held } = await retrying(ctx, runOptions, () => {
        const ahead = run.usersAhead;
        run.usersAhead = undefined;
        return resolveUsers(ctx, unconfirmedUsers(run), ahead);
      }));
    } catch (error) {
      if (!(error instanceof Stopped)) ctx.stop(error);
    }
  }
  const early = run.earlyRead;
  run.earlyRead = undefined;
  const checks = new UserDataChecks(ctx, userDataWrites(actions, rest, userIds), Date.now, early);
  const readBacks = new ReadBacks(ctx);
  try {
    await runActions(
      actions,
      rest,
      ctx,
      // Where writes are read back, the actions waiting for theirs do not hold the writes' places.
      ctx.adapter.userDataReadBack ? { ...runOptions, confirming: READ_BACK_IN_FLIGHT } : runOptions,
      record,
      (action) => runOne(action, ctx, userIds, held, checks, readBacks),
      (i) => infoOf(i, userIds),
    );
  } finally {
    readBacks.close();
  }
  task.finish();
}

/** The pass's user-data writes whose user is known, in order: what the re-checks read ahead. */
function* userDataWrites(
  actions: readonly Action[],
  places: Int32Array,
  userIds: Map<string, string>,
): Generator<{ userId: string; itemId: string }> {
  for (const i of places) {
    const write = userDataTargetAt(actions, i);
    if (write === undefined) continue;
    const userId = userIdOf(write.user, userIds);
    if (userId !== undefined) yield { userId, itemId: write.itemId };
  }
}

/** What the journal records of an action besides its fingerprint. */
function actionInfo(action: Action, userIds: Map<string, string>): Omit<ActionInfo, "fingerprint"> {
  const user = "user" in action ? action.user : null;
  return {
    type: action.type,
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

/**
 * Target users by name, without those the plan creates whose creation is not confirmed:
 * `held` lists the ones that exist regardless (created, but perhaps without a password).
 */
async function resolveUsers(
  ctx: RunContext,
  unconfirmed: ReadonlySet<string>,
  ahead: Promise<TargetUser[]> | undefined,
): Promise<{ ids: Map<string, string>; held: Set<string> }> {
  const ids = new Map<string, string>();
  const held = new Set<string>();
  for (const user of await (ahead ?? ctx.lookup(() => ctx.adapter.listUsers()))) {
    const name = nameKey(user.name);
    if (unconfirmed.has(name)) held.add(name);
    else ids.set(name, user.id);
  }
  return { ids, held };
}

function userIdOf(ref: PlanUserRef, userIds: Map<string, string>): string | undefined {
  return ref.id ?? userIds.get(nameKey(ref.name));
}

function runOne(
  action: Action,
  ctx: RunContext,
  userIds: Map<string, string>,
  held: ReadonlySet<string>,
  checks: UserDataChecks,
  readBacks: ReadBacks,
): Promise<Outcome> {
  if (action.type === "create-collection") return createContainer(action, collectionApi(ctx.adapter), ctx);
  if (action.type === "add-collection-members") {
    return addToContainer({ ...action, id: action.collectionId }, collectionApi(ctx.adapter), ctx);
  }
  if (action.type === "create-user") return Promise.reject(new Error("users are created in the first phase"));
  const userId = userIdOf(action.user, userIds);
  if (userId === undefined) {
    const reason = held.has(nameKey(action.user.name))
      ? `the creation of the target user ${action.user.name} did not finish`
      : `the target user ${action.user.name} does not exist`;
    return Promise.resolve({ kind: "skipped", reason, userMissing: true });
  }
  switch (action.type) {
    case "set-user-data":
      return setUserData(action, userId, ctx, checks, readBacks);
    case "create-playlist":
      return createContainer(action, playlistApi(ctx.adapter, userId), ctx);
    case "add-playlist-entries":
      return addToContainer({ ...action, id: action.playlistId }, playlistApi(ctx.adapter, userId), ctx);
  }
}
