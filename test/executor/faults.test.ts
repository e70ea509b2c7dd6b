import { describe, expect, it } from "vitest";
import { PlexodusError } from "../../src/errors.js";
import { applyPlan } from "../../src/executor/apply.js";
import { applyOptions, neutral, referenceState, tempDir } from "./helpers.js";
import { scenario } from "./scenario.js";

describe("transient failures", () => {
  it("completes with 20 % of writes answered 503, waiting at least Retry-After before each retry", async () => {
    const reference = await referenceState();
    const { fake, plan } = await scenario();
    fake.setFaults({ failRate: 0.2, seed: 7, retryAfterMs: 40 });
    const result = await applyPlan(
      plan,
      fake,
      applyOptions(tempDir(), { retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 5 } }),
    );
    expect(result.failed).toBe(0);
    expect(neutral(fake.state())).toEqual(reference);
    const failures = fake.writeLog.filter((w) => w.outcome === "503");
    expect(failures.length).toBeGreaterThan(0);
    const userDataFailures = failures.filter((w) => w.op === "setUserData");
    expect(userDataFailures.length).toBeGreaterThan(0);
    for (const failure of userDataFailures) {
      const retry = fake.writeLog.find((w) => w.subject === failure.subject && w.at > failure.at);
      if (retry) expect(retry.at - failure.at).toBeGreaterThanOrEqual(39);
    }
  });

  it("marks an action failed after the retry budget, goes on with the rest, and a rerun retries it", async () => {
    const reference = await referenceState();
    const dir = tempDir();
    const { fake, plan } = await scenario();
    fake.setFaults({ failWrites: [1, 2, 3] });
    const result = await applyPlan(
      plan,
      fake,
      applyOptions(dir, {
        concurrency: 1,
        retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
        retryPasses: 0,
      }),
    );
    // The first write is carol's creation: it fails, and her three actions are skipped.
    expect(result).toMatchObject({ failed: 1, skipped: 3, applied: 11 });
    expect(result.failures[0]).toMatchObject({ key: "user:carol" });
    expect(result.failures[0]!.reason).toMatch(/^transient: /);
    expect(result.skips.map((s) => s.reason)).toEqual(Array(3).fill("the target user carol does not exist"));
    fake.setFaults({});
    const rerun = await applyPlan(plan, fake, applyOptions(dir));
    expect(rerun).toMatchObject({ applied: 4, alreadyDone: 11, failed: 0 });
    expect(neutral(fake.state())).toEqual(reference);
  });

  it("issue 13 item 3: a retry pass at the end finishes what failed transiently, the failed user's actions included", async () => {
    const reference = await referenceState();
    const { fake, plan } = await scenario();
    fake.setFaults({ failWrites: [1, 2, 3] });
    const result = await applyPlan(
      plan,
      fake,
      applyOptions(tempDir(), { concurrency: 1, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }),
    );
    expect(result).toMatchObject({ applied: 15, failed: 0, skipped: 0, notStarted: 0, retryPasses: 1 });
    expect(neutral(fake.state())).toEqual(reference);
  });

  it("issue 13 item 3: retry passes are bounded in number", async () => {
    const { fake, plan } = await scenario();
    // Every write of carol's creation fails: two retry passes, then it stays failed.
    const create = fake.createUser;
    let tries = 0;
    fake.createUser = (name, password) => {
      if (name !== "carol") return create(name, password);
      tries += 1;
      return Promise.reject(new PlexodusError("transient", "HTTP 503"));
    };
    const result = await applyPlan(
      plan,
      fake,
      applyOptions(tempDir(), { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, retryPasses: 2 }),
    );
    expect(tries).toBe(2 * 3);
    expect(result).toMatchObject({ failed: 1, skipped: 3, retryPasses: 2 });
  });

  it("issue 13 item 3: no retry pass starts after the time bound", async () => {
    const { fake, plan } = await scenario();
    fake.setFaults({ failWrites: [1, 2, 3] });
    const result = await applyPlan(
      plan,
      fake,
      applyOptions(tempDir(), {
        concurrency: 1,
        retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
        retryTimeMs: 0,
      }),
    );
    expect(result).toMatchObject({ failed: 1, skipped: 3, retryPasses: 0 });
  });

  it("stops the run when the target stays unreachable after the retry budget", async () => {
    const { fake, plan } = await scenario();
    const unreachable = new PlexodusError("unreachable", "connection refused");
    fake.sendUserData = async () => {
      throw unreachable;
    };
    const error = await applyPlan(
      plan,
      fake,
      applyOptions(tempDir(), { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }),
    ).catch((e: unknown) => e);
    expect(error).toBe(unreachable);
  });
});

describe("concurrency", () => {
  it.each([1, 3])("keeps lookups and writes each within concurrency %i", async (concurrency) => {
    const { fake, plan } = await scenario();
    fake.setFaults({ latencyMs: 5 });
    await applyPlan(plan, fake, applyOptions(tempDir(), { concurrency }));
    expect(fake.maxInFlight.read).toBeLessThanOrEqual(concurrency);
    expect(fake.maxInFlight.write).toBeLessThanOrEqual(concurrency);
    // The bound is reached, so the check above could fail.
    expect(fake.maxInFlight.read).toBe(concurrency);
  });
});
