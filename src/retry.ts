/**
 * How plexodus retries: one policy shape, one backoff, one reading of Retry-After and one
 * abortable wait, shared by the HTTP client (which repeats reads) and the executor (which
 * repeats whole actions, re-checking the target each time). What is worth retrying is
 * decided by each of them, not here.
 */
export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** The first retry waits between half of this and all of it; each further one doubles. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is returned instead. */
  maxRetryAfterMs: number;
}

/** GET requests inside the HTTP client. Writes are never repeated there (see http/client.ts). */
export const READ_RETRY: RetryPolicy = Object.freeze({
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
});

/**
 * Whole actions in the executor (apply and rollback). A busy server's Retry-After is always
 * waited for: giving up would only fail the action and leave the rest to a rerun.
 */
export const ACTION_RETRY: RetryPolicy = Object.freeze({
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: Number.POSITIVE_INFINITY,
});

/**
 * Retry-After in milliseconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const text = String(value).trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** True when try number `tried` (1-based) may be followed by another under `policy`. */
export function mayRetry(tried: number, policy: RetryPolicy, retryAfterMs: number | undefined): boolean {
  return tried < policy.attempts && (retryAfterMs ?? 0) <= policy.maxRetryAfterMs;
}

/**
 * Delay before retry number `retry` (1-based): exponential with jitter between half and the
 * full step, so many clients do not retry in lockstep; a server's Retry-After wins when longer.
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.max(Math.round(step / 2 + (step / 2) * random()), retryAfterMs ?? 0);
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
