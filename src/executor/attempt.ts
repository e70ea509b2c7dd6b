import { PlexodusError } from "../errors.js";
import { ACTION_RETRY, mayRetry, type RetryPolicy, retryDelayMs, sleep } from "../retry.js";
import { type RunContext, Stopped } from "./context.js";
import { JournalWriteError } from "./journal/index.js";

/** How a run's steps are retried: the policy, and the jitter source (fixed by tests). */
export interface Backoff {
  retry: RetryPolicy;
  random: () => number;
}

/** The actions' policy with a caller's overrides. */
export function backoffOf(options: { retry?: Partial<RetryPolicy>; random?: () => number }): Backoff {
  return { retry: { ...ACTION_RETRY, ...options.retry }, random: options.random ?? Math.random };
}

/** What the executor does with an error from the target. */
export type ErrorAction = "retry" | "fail-action" | "stop-run";

/**
 * "transient" and "unreachable" are retried; "failed" fails only this action; "auth" (a key
 * revoked mid-run), a journal that cannot be written, and anything unexpected stop the run.
 */
export function classify(error: unknown): ErrorAction {
  if (error instanceof JournalWriteError || !(error instanceof PlexodusError)) return "stop-run";
  switch (error.category) {
    case "transient":
    case "unreachable":
      return "retry";
    case "failed":
      return "fail-action";
    default:
      return "stop-run";
  }
}

/** The server's Retry-After an error carries, when it is a wait worth honouring. */
function retryAfterOf(error: unknown): number | undefined {
  const ms = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === "number" && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

type Next = { kind: "stop-run" } | { kind: "fail" } | { kind: "wait"; ms: number };

/** After try number `tried` failed with `error`: stop the run, fail the step, or wait and try again. */
function afterFailure(error: unknown, tried: number, backoff: Backoff): Next {
  const action = classify(error);
  if (action === "stop-run") return { kind: "stop-run" };
  if (action === "fail-action") return { kind: "fail" };
  const retryAfterMs = retryAfterOf(error);
  if (mayRetry(tried, backoff.retry, retryAfterMs)) {
    return { kind: "wait", ms: retryDelayMs(tried, backoff.retry, retryAfterMs, backoff.random) };
  }
  // A target still unreachable would fail every remaining step alike: stop the run instead.
  return (error as PlexodusError).category === "unreachable" ? { kind: "stop-run" } : { kind: "fail" };
}

/** One step of a run (an action of apply, an undo of rollback): what differs between them. */
export interface Step<T> {
  /** One try: re-check the target, write when needed, journal what happened. */
  run(): Promise<T>;
  /** Journals that the step failed for good, and says so. */
  fail(error: unknown): T;
}

/**
 * Tries a step until it settles. Transient failures wait (backoff, never shorter than the
 * server's Retry-After) and try again; every try re-checks the target, so a write whose
 * answer was lost is not repeated blindly. Undefined when the step did not settle: the run
 * is stopping or was interrupted, or this step's error stopped it (a revoked key, a target
 * unreachable past the budget, a journal that cannot be written).
 */
export async function attempt<T>(ctx: RunContext, backoff: Backoff, step: Step<T>): Promise<T | undefined> {
  try {
    for (let tried = 1; ; tried++) {
      if (ctx.stopped) return undefined;
      try {
        return await step.run();
      } catch (error) {
        if (error instanceof Stopped) return undefined;
        const next = afterFailure(error, tried, backoff);
        if (next.kind === "stop-run") {
          ctx.stop(error);
          return undefined;
        }
        if (next.kind === "fail") return step.fail(error);
        if (!(await sleep(next.ms, ctx.haltSignal))) return undefined;
      }
    }
  } catch (error) {
    // The journal could not be written: stop before any further target write.
    ctx.stop(error);
    return undefined;
  }
}

/** A read outside any step (resolving users), retried like a step; what is not retried is thrown. */
export async function retrying<T>(ctx: RunContext, backoff: Backoff, read: () => Promise<T>): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await read();
    } catch (error) {
      const next = afterFailure(error, tried, backoff);
      if (next.kind !== "wait" || !(await sleep(next.ms, ctx.haltSignal))) throw error;
    }
  }
}
