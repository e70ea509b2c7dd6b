import { describe, expect, it } from "vitest";
import { applyPlan } from "../../src/executor/apply.js";
import { RECHECK_BATCH } from "../../src/executor/recheck.js";
import { ServiceError } from "../../src/http/errors.js";
import { bigPlan, ITEMS } from "./big-plan.js";
import { applyOptions, tempDir } from "./helpers.js";

describe("the batched re-check before user-data writes", () => {
  it("reads each user's items a batch at a time: ⌈items / batch⌉ reads per user, one write per change", async () => {
    const { fake, plan, reads } = bigPlan();
    const result = await applyPlan(plan, fake, applyOptions(tempDir()));
    expect(result).toMatchObject({ applied: 2 * ITEMS, conflicted: 0, failed: 0 });
    expect(reads).toHaveLength(2 * Math.ceil(ITEMS / RECHECK_BATCH));
    expect(reads.every((ids) => ids.length <= RECHECK_BATCH)).toBe(true);
    expect(fake.writes).toBe(2 * ITEMS);
  });

  it("sends the first re-check with the connection check, not a round trip after it", async () => {
    const { fake, plan, reads } = bigPlan();
    const events: string[] = [];
    const check = fake.check.bind(fake);
    fake.check = async () => {
      const info = await check();
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`check answered after ${reads.length} reads`);
      return info;
    };
    const result = await applyPlan(plan, fake, applyOptions(tempDir()));
    expect(events).toEqual(["check answered after 1 reads"]);
    expect(reads[0]).toEqual(
      plan.actions.slice(0, RECHECK_BATCH).map((a) => (a as { itemId: string }).itemId),
    );
    // The early read is the user's first batch, not one more.
    expect(reads).toHaveLength(2 * Math.ceil(ITEMS / RECHECK_BATCH));
    expect(result).toMatchObject({ applied: 2 * ITEMS, conflicted: 0, failed: 0 });
  });

  it("a value changed after planning is a conflict even when its batch was read before", async () => {
    const { fake, plan } = bigPlan();
    const bob = fake.userId("bob");
    // Changed before the run: its batch read sees it.
    fake.poke(bob, "i180", { played: true, playCount: 9 });
    const result = await applyPlan(plan, fake, applyOptions(tempDir()));
    expect(result.conflicted).toBe(1);
    expect(result.conflicts[0]!.reason).toMatch(/playCount is 9, planned from 0/);
    expect(fake.state().userData[`${bob}/i180`]).toMatchObject({ playCount: 9 });
    expect(result.applied).toBe(2 * ITEMS - 1);
  });

  it("a batch read that fails is read again for its items, and the run ends exact", async () => {
    const { fake, plan, reads } = bigPlan();
    const read = fake.readUserData;
    let failures = 2;
    fake.readUserData = (userId, itemIds) => {
      if (failures-- > 0) return Promise.reject(new ServiceError("transient", "503", { status: 503 }));
      return read(userId, itemIds);
    };
    const result = await applyPlan(plan, fake, applyOptions(tempDir()));
    expect(result).toMatchObject({ applied: 2 * ITEMS, conflicted: 0, failed: 0 });
    expect(fake.writes).toBe(2 * ITEMS);
    // A few more reads than without failures, never one per item.
    expect(reads.length).toBeLessThan(2 * Math.ceil(ITEMS / RECHECK_BATCH) + 6);
  });
});
