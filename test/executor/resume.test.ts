import { describe, expect, it } from "vitest";
import { PlexodusError } from "../../src/errors.js";
import { applyPlan } from "../../src/executor/apply.js";
import { Journal } from "../../src/executor/journal/index.js";
import { applyOptions, neutral, referenceState, tempDir } from "./helpers.js";
import { scenario } from "./scenario.js";

const ACTIONS = 15;

/** Each case runs where writes answer their stored state, and where they are read back in batches (Emby). */
describe.each([
  { writes: "answered", readBack: false },
  { writes: "read back", readBack: true },
])("resume after an interruption (writes $writes)", ({ readBack }) => {
  const setup = async () => {
    const made = await scenario();
    made.fake.userDataReadBack = readBack;
    return made;
  };

  it.each([0, 1, 4, 7, 9, 11, 14])(
    "a crash after %i writes, then a rerun, ends in the uninterrupted state",
    async (n) => {
      const reference = await referenceState();
      const dir = tempDir();
      const { fake, plan } = await setup();
      fake.setFaults({ crashAfterWrites: n });
      await expect(applyPlan(plan, fake, applyOptions(dir))).rejects.toThrow("simulated crash");
      fake.setFaults({});
      const result = await applyPlan(plan, fake, applyOptions(dir));
      expect(result.failed + result.conflicted + result.skipped).toBe(0);
      expect(neutral(fake.state())).toEqual(reference);
      // Nothing was applied twice: the two runs together changed the target once per action.
      expect(fake.appliedWrites).toBe(ACTIONS);
    },
  );

  it.each([1, 3, 8, 12, 15])(
    "a crash right after write %i landed (before its confirmation) is recognised on resume",
    async (n) => {
      const reference = await referenceState();
      const dir = tempDir();
      const { fake, plan } = await setup();
      fake.setFaults({ crashAfterApplyingWrite: n });
      await expect(applyPlan(plan, fake, applyOptions(dir))).rejects.toThrow("simulated crash");
      fake.setFaults({});
      await applyPlan(plan, fake, applyOptions(dir));
      expect(neutral(fake.state())).toEqual(reference);
      expect(fake.appliedWrites).toBe(ACTIONS);
      const planned = new Map(
        plan.actions.flatMap((a) =>
          a.type === "set-user-data" ? [[a.itemId + a.user.name, a.set.playCount]] : [],
        ),
      );
      for (const [key, value] of Object.entries(fake.state().userData)) {
        const [userId, itemId] = key.split("/");
        const name = fake.state().users.find((u) => u.id === userId)!.name;
        const want = planned.get(`${itemId}${name}`);
        if (want !== undefined) expect((value as { playCount: number }).playCount).toBeLessThanOrEqual(want);
      }
    },
  );

  it("stops after in-flight work on abort, closes the journal, and a rerun finishes", async () => {
    const reference = await referenceState();
    const dir = tempDir();
    const { fake, plan } = await setup();
    const controller = new AbortController();
    fake.setFaults({ latencyMs: 3, afterWrite: (n) => n === 5 && controller.abort() });
    const first = await applyPlan(plan, fake, applyOptions(dir, { signal: controller.signal }));
    expect(first.interrupted).toBe(true);
    expect(first.notStarted).toBeGreaterThan(0);
    // In-flight writes (at most the write concurrency) were allowed to finish.
    expect(fake.appliedWrites).toBeLessThanOrEqual(5 + 4);
    expect(first.applied).toBe(fake.appliedWrites);
    // The journal was closed intact and is usable again.
    Journal.open(dir + "/run.journal", fake.info, { toolVersion: "t" }).close();
    fake.setFaults({});
    const second = await applyPlan(plan, fake, applyOptions(dir));
    expect(second.interrupted).toBe(false);
    expect(first.applied + second.applied).toBe(ACTIONS);
    expect(neutral(fake.state())).toEqual(reference);
    expect(fake.appliedWrites).toBe(ACTIONS);
  });

  it("stops cleanly when the key is revoked mid-run and resumes once it works again", async () => {
    const reference = await referenceState();
    const dir = tempDir();
    const { fake, plan } = await setup();
    fake.setFaults({ revokeAuthAfterRequests: 20 });
    const error = await applyPlan(plan, fake, applyOptions(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlexodusError);
    expect((error as PlexodusError).category).toBe("auth");
    const requestsAtStop = fake.requests;
    expect(fake.appliedWrites).toBeGreaterThan(0);
    expect(fake.appliedWrites).toBeLessThan(ACTIONS);
    fake.setFaults({});
    await applyPlan(plan, fake, applyOptions(dir));
    expect(requestsAtStop).toBeLessThan(40);
    expect(neutral(fake.state())).toEqual(reference);
    expect(fake.appliedWrites).toBe(ACTIONS);
  });
});
