import { describe, expect, it } from "vitest";
import { ACTION_RETRY, mayRetry, parseRetryAfter, READ_RETRY, retryDelayMs, sleep } from "../src/retry.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent or garbage values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("doubles per retry, jitters between half and full step, and caps", () => {
    const policy = { ...READ_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(1, policy, undefined, () => 1)).toBe(100);
    expect(retryDelayMs(3, policy, undefined, () => 1)).toBe(400);
    expect(retryDelayMs(3, policy, undefined, () => 0)).toBe(200);
    expect(retryDelayMs(10, policy, undefined, () => 1)).toBe(1000);
  });
  it("waits at least what the server asked", () => {
    expect(retryDelayMs(1, { ...READ_RETRY, baseDelayMs: 100 }, 5000, () => 1)).toBe(5000);
  });
});

describe("mayRetry", () => {
  it("stops at the attempt budget and at a Retry-After longer than the policy accepts", () => {
    expect(mayRetry(3, READ_RETRY, undefined)).toBe(true);
    expect(mayRetry(4, READ_RETRY, undefined)).toBe(false);
    expect(mayRetry(1, READ_RETRY, 120_000)).toBe(true);
    expect(mayRetry(1, READ_RETRY, 120_001)).toBe(false);
    expect(mayRetry(1, ACTION_RETRY, 3_600_000)).toBe(true);
  });
});

describe("sleep", () => {
  it("resolves true after the wait, false at once when aborted", async () => {
    expect(await sleep(1)).toBe(true);
    const halt = new AbortController();
    const waiting = sleep(60_000, halt.signal);
    halt.abort();
    expect(await waiting).toBe(false);
    expect(await sleep(60_000, halt.signal)).toBe(false);
  });
});
