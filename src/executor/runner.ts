import { PlexodusError } from "../errors.js";
import { nameKey } from "../model/index.js";
import type { Action } from "../planner/plan.js";
import { attempt, type Backoff } from "./attempt.js";
import type { Outcome, RunContext } from "./context.js";
import type { ActionInfo } from "./journal/index.js";

export interface RunOptions extends Backoff {
  concurrency: number;
  /** Actions in flight beyond IN_FLIGHT_PER_WRITE × `concurrency`: those waiting for a read-back. */
  confirming?: number;
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
 * Places for actions in flight per place in the write queue. An action waits for its prior
 * value to be synced to disk before its write takes a place; while `concurrency` writes are
 * in flight, the other actions have their priors synced, so a freed place finds a write ready.
 * On a disk whose sync takes as long as a request (a busy virtual disk: 15–40 ms measured),
 * only twice `concurrency` left the write queue idle; four times keeps it busy. The values
 * re-checked are not much older for it: they are read in batches ahead of the pass anyway.
 */
const IN_FLIGHT_PER_WRITE = 4;

/**
 * Runs the actions at `places` (in that order) with at most IN_FLIGHT_PER_WRITE × `concurrency`
 * in flight, retrying each as a whole: every attempt re-checks the target before it writes.
 * The lookup and write queues bound the requests to `concurrency` each. `record` and `infoOf`
 * know an action by its place.
 */
export async function runActions(
  actions: readonly Action[],
  places: ArrayLike<number>,
  ctx: RunContext,
  options: RunOptions,
  record: (place: number, outcome: Outcome) => void,
  handler: (action: Action) => Promise<Outcome>,
  infoOf: (place: number) => ActionInfo,
): Promise<void> {
  const lock = new KeyedLock();
  let next = 0;
  const worker = async () => {
    while (next < places.length) {
      const place = places[next++]!;
      const action = actions[place]!;
      const outcome = ctx.stopped
        ? NOT_STARTED
        : await lock.run(lockKey(action), () =>
            runAction(action, ctx, options, handler, () => infoOf(place)),
          );
      record(place, outcome);
    }
  };
  const workers = Math.min(
    places.length,
    options.concurrency * IN_FLIGHT_PER_WRITE + (options.confirming ?? 0),
  );
  await Promise.all(Array.from({ length: workers }, worker));
}

async function runAction(
  action: Action,
  ctx: RunContext,
  options: RunOptions,
  handler: (action: Action) => Promise<Outcome>,
  infoOf: () => ActionInfo,
): Promise<Outcome> {
  if (ctx.stopped) return NOT_STARTED;
  try {
    const info = infoOf();
    const row = ctx.journal.begin(action.key, info);
    // Confirmed by an earlier run of this very action: nothing to read, nothing to write.
    if (row.status === "done" && row.fingerprint === info.fingerprint) return { kind: "already-done" };
  } catch (error) {
    // The journal could not be written: stop before any target write.
    ctx.stop(error);
    return NOT_STARTED;
  }
  const outcome = await attempt<Outcome>(ctx, options, {
    run: () => handler(action),
    fail: (error) => {
      const reason = describe(error);
      ctx.journal.settle(action.key, "failed", reason);
      // A busy server (503, 429) past the attempts: worth another pass at the end of the run.
      const transient = error instanceof PlexodusError && error.category === "transient";
      return transient ? { kind: "failed", reason, transient } : { kind: "failed", reason };
    },
  });
  return outcome ?? NOT_STARTED;
}
