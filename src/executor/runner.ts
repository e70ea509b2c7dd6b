import { PlexodusError } from "../errors.js";
import { nameKey } from "../model/index.js";
import type { Action } from "../planner/plan.js";
import { mayRetry, type RetryPolicy, retryDelayMs, sleep } from "../retry.js";
import { fingerprint, type Outcome, type RunContext, Stopped } from "./context.js";
import type { ActionInfo } from "./journal.js";
import { classify, retryAfterOf } from "./retry.js";

export interface RunOptions {
  concurrency: number;
  retry: RetryPolicy;
  random: () => number;
}

const NOT_STARTED: Outcome = { kind: "not-started" };

/** Serializes work on one resource (an item of a user, a playlist, a user name). */
class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

function lockKey(action: Action): string {
  switch (action.type) {
    case "create-user":
      return `user:${nameKey(action.user.name)}`;
    case "set-user-data":
      return `data:${action.user.id ?? nameKey(action.user.name)}:${action.itemId}`;
    case "create-playlist":
    case "add-playlist-entries":
      return `playlist:${action.user.id ?? nameKey(action.user.name)}:${action.title}`;
    case "create-collection":
    case "add-collection-members":
      return `collection:${action.title}`;
  }
}

function describe(error: unknown): string {
  return error instanceof PlexodusError ? `${error.category}: ${error.message}` : String(error);
}

/**
 * Runs actions with at most twice `concurrency` in flight (enough to keep both queues busy
 * without reading values long before they are written), retrying each as a whole: every
 * attempt re-checks the target before it writes.
 */
export async function runActions(
  actions: readonly Action[],
  ctx: RunContext,
  options: RunOptions,
  record: (action: Action, outcome: Outcome) => void,
  handler: (action: Action) => Promise<Outcome>,
  infoOf: (action: Action) => ActionInfo,
): Promise<void> {
  const lock = new KeyedLock();
  let next = 0;
  const worker = async () => {
    while (next < actions.length) {
      const action = actions[next++]!;
      const outcome = ctx.stopped
        ? NOT_STARTED
        : await lock.run(lockKey(action), () => runAction(action, ctx, options, handler, infoOf));
      record(action, outcome);
    }
  };
  const workers = Math.min(actions.length, options.concurrency * 2);
  await Promise.all(Array.from({ length: workers }, worker));
}

async function runAction(
  action: Action,
  ctx: RunContext,
  options: RunOptions,
  handler: (action: Action) => Promise<Outcome>,
  infoOf: (action: Action) => ActionInfo,
): Promise<Outcome> {
  try {
    if (ctx.stopped) return NOT_STARTED;
    const print = fingerprint(action);
    const row = ctx.journal.begin(action.key, { ...infoOf(action), fingerprint: print });
    // Confirmed by an earlier run of this very action: nothing to read, nothing to write.
    if (row.status === "done" && row.fingerprint === print) return { kind: "already-done" };
    for (let attempt = 0; ; attempt++) {
      if (ctx.stopped) return NOT_STARTED;
      try {
        return await handler(action);
      } catch (error) {
        if (error instanceof Stopped) return NOT_STARTED;
        const next = classify(error);
        if (next === "stop-run") {
          ctx.stop(error);
          return NOT_STARTED;
        }
        const reason = describe(error);
        const budgetSpent = !mayRetry(attempt + 1, options.retry, retryAfterOf(error));
        if (next === "retry" && budgetSpent && (error as PlexodusError).category === "unreachable") {
          ctx.stop(error);
          return NOT_STARTED;
        }
        if (next === "fail-action" || budgetSpent) {
          ctx.journal.settle(action.key, "failed", reason);
          return { kind: "failed", reason };
        }
        const waitMs = retryDelayMs(attempt + 1, options.retry, retryAfterOf(error), options.random);
        if (!(await sleep(waitMs, ctx.haltSignal))) {
          return NOT_STARTED;
        }
      }
    }
  } catch (error) {
    // The journal could not be written: stop before any further target write.
    ctx.stop(error);
    return NOT_STARTED;
  }
}

/** A read outside any action (resolving users), retried like an action's. */
export async function retrying<T>(ctx: RunContext, options: RunOptions, read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const retryAfterMs = retryAfterOf(error);
      if (classify(error) !== "retry" || !mayRetry(attempt + 1, options.retry, retryAfterMs)) throw error;
      const waitMs = retryDelayMs(attempt + 1, options.retry, retryAfterMs, options.random);
      if (!(await sleep(waitMs, ctx.haltSignal))) throw error;
    }
  }
}
