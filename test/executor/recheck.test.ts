import { describe, expect, it } from "vitest";
import { applyPlan } from "../../src/executor/apply.js";
import { RunContext } from "../../src/executor/context.js";
import type { Journal } from "../../src/executor/journal/index.js";
import { RECHECK_BATCH, UserDataChecks } from "../../src/executor/recheck.js";
import { ServiceError } from "../../src/http/errors.js";
import { FakeTarget } from "../helpers/fake-target.js";
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

describe("the early re-check read", () => {
  const value = (playCount: number) => ({
    played: playCount > 0,
    playCount,
    lastPlayedAt: null,
    positionMs: 0,
    rating: null,
    isFavorite: false,
  });

  /** Checks over alice's items i1–i3, offered an early read; returns what i1's re-check gives. */
  async function firstValue(early: { userId: string; itemIds: string[] }) {
    const fake = new FakeTarget({ users: ["alice", "bob"], items: ["i1", "i2", "i3"] });
    const alice = fake.userId("alice");
    fake.poke(alice, "i1", { playCount: 2 });
    const reads: string[][] = [];
    const read = fake.readUserData;
    fake.readUserData = (userId, ids) => {
      reads.push([...ids]);
      return read(userId, ids);
    };
    const ctx = new RunContext(fake, {} as Journal, 4, undefined);
    const userId = early.userId === "alice" ? alice : fake.userId("bob");
    // What the early read answered: a value the target does not hold (it is not to be used).
    const answered = new Map(early.itemIds.map((id) => [id, value(99)]));
    const writes = ["i1", "i2", "i3"].map((itemId) => ({ userId: alice, itemId }));
    const checks = new UserDataChecks(ctx, writes, Date.now, {
      userId,
      itemIds: early.itemIds,
      at: Date.now(),
      value: Promise.resolve(answered),
    });
    return { got: await checks.current(alice, "i1"), reads };
  }

  it("is taken when it asked for exactly the pass's first batch", async () => {
    const { got, reads } = await firstValue({ userId: "alice", itemIds: ["i1", "i2", "i3"] });
    expect(got.playCount).toBe(99);
    expect(reads).toEqual([]);
  });

  it("is left unused when it asked for other items, or for another user: the batch is read anew", async () => {
    for (const early of [
      { userId: "alice", itemIds: ["i1", "i2"] },
      { userId: "alice", itemIds: ["i2", "i1", "i3"] },
      { userId: "bob", itemIds: ["i1", "i2", "i3"] },
    ]) {
      const { got, reads } = await firstValue(early);
      expect(got.playCount).toBe(2);
      expect(reads).toEqual([["i1", "i2", "i3"]]);
    }
  });
});
