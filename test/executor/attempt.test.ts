import { describe, expect, it } from "vitest";
import { PlexodusError } from "../../src/errors.js";
import { attempt, type Backoff, retrying } from "../../src/executor/attempt.js";
import { RunContext, Stopped } from "../../src/executor/context.js";
import { type Journal, JournalWriteError } from "../../src/executor/journal/index.js";
import { ServiceError } from "../../src/http/errors.js";
import type { TargetAdapter } from "../../src/targets/types.js";

// attempt() only uses the run's stop switch; the adapter and journal are never touched.
const context = () => new RunContext({} as TargetAdapter, {} as Journal, 1, undefined);
const backoff: Backoff = {
  retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1000 },
  random: () => 0,
};

/** A step that throws the given errors in turn, then answers "ok"; `failed` counts fail() calls. */
function steps(...errors: unknown[]) {
  const seen = { tries: 0, failed: [] as unknown[] };
  return {
    seen,
    step: {
      run: async () => {
        const error = errors[seen.tries++];
        if (error !== undefined) throw error;
        return "ok";
      },
      fail: (error: unknown) => {
        seen.failed.push(error);
        return "failed";
      },
    },
  };
}

const transient = () => new ServiceError("transient", "busy", { status: 503 });

describe("attempt", () => {
  it("tries again after transient failures, waiting at least the server's Retry-After", async () => {
    const ctx = context();
    const { seen, step } = steps(new ServiceError("transient", "busy", { retryAfterMs: 30 }), transient());
    const started = Date.now();
    expect(await attempt(ctx, backoff, step)).toBe("ok");
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
    expect(seen.tries).toBe(3);
    expect(ctx.stopped).toBe(false);
  });

  it("fails the step at once on a 'failed' error, and after the budget on transient ones", async () => {
    const refused = new PlexodusError("failed", "refused");
    const once = steps(refused);
    expect(await attempt(context(), backoff, once.step)).toBe("failed");
    expect(once.seen).toEqual({ tries: 1, failed: [refused] });

    const busy = steps(transient(), transient(), transient());
    expect(await attempt(context(), backoff, busy.step)).toBe("failed");
    expect(busy.seen.tries).toBe(3);
  });

  it("fails the step when the server asks for a longer wait than the policy accepts", async () => {
    const { seen, step } = steps(new ServiceError("transient", "busy", { retryAfterMs: 5000 }));
    expect(await attempt(context(), backoff, step)).toBe("failed");
    expect(seen.tries).toBe(1);
  });

  it("stops the run on a revoked key, a journal write error, or a target unreachable past the budget", async () => {
    const unreachable = () => new ServiceError("unreachable", "gone", { retryable: true });
    for (const errors of [
      [new PlexodusError("auth", "revoked")],
      [new JournalWriteError("disk full")],
      [unreachable(), unreachable(), unreachable()],
    ]) {
      const ctx = context();
      const { seen, step } = steps(...errors);
      expect(await attempt(ctx, backoff, step)).toBeUndefined();
      expect(ctx.stopped).toBe(true);
      expect(ctx.fatalError).toBe(errors.at(-1));
      expect(seen.failed).toEqual([]);
    }
  });

  it("stops the run when journaling the failure fails", async () => {
    const ctx = context();
    const full = new JournalWriteError("disk full");
    const step = {
      run: () => Promise.reject(new PlexodusError("failed", "refused")),
      fail: () => {
        throw full;
      },
    };
    expect(await attempt(ctx, backoff, step)).toBeUndefined();
    expect(ctx.fatalError).toBe(full);
  });

  it("leaves a stopping run alone: no try, and a Stopped step neither fails nor stops", async () => {
    const stopped = context();
    stopped.stop(new Error("earlier"));
    const untried = steps();
    expect(await attempt(stopped, backoff, untried.step)).toBeUndefined();
    expect(untried.seen.tries).toBe(0);

    const ctx = context();
    const { seen, step } = steps(new Stopped());
    expect(await attempt(ctx, backoff, step)).toBeUndefined();
    expect(seen.failed).toEqual([]);
    expect(ctx.stopped).toBe(false);
  });
});

describe("retrying", () => {
  it("retries a transient read and throws what it does not retry", async () => {
    let tries = 0;
    const read = async () => {
      if (tries++ === 0) throw transient();
      return "users";
    };
    expect(await retrying(context(), backoff, read)).toBe("users");
    const refused = new PlexodusError("failed", "refused");
    await expect(retrying(context(), backoff, () => Promise.reject(refused))).rejects.toBe(refused);
  });
});
