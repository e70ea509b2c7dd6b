import { PlexodusError } from "../errors.js";
import { JournalWriteError } from "./journal.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

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

/** Exponential backoff with full jitter, never shorter than the server's Retry-After. */
export function backoffMs(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  const retryAfter = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof retryAfter === "number" && Number.isFinite(retryAfter) && retryAfter > 0
    ? Math.max(jittered, retryAfter)
    : jittered;
}

/** Resolves after `ms`, or early (to false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
