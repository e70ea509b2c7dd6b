import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { type ApplyOptions, applyPlan } from "../../src/executor/apply.js";
import { digestPlan } from "../../src/planner/digest.js";
import { applyOptions, neutral, referenceState } from "./helpers.js";
import { scenario } from "./scenario.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "plexodus-apply-"));
});

const options = (extra: Partial<ApplyOptions> = {}): ApplyOptions => applyOptions(dir, extra);

describe("applyPlan", () => {
  it("reaches the planned state", async () => {
    const { fake, plan } = await scenario();
    const result = await applyPlan(plan, fake, options());
    expect(result).toMatchObject({
      applied: 15,
      alreadyDone: 0,
      conflicted: 0,
      failed: 0,
      skipped: 0,
      interrupted: false,
    });
    const state = fake.state();
    const alice = fake.userId("alice");
    const bob = fake.userId("bob");
    const carol = fake.userId("carol");
    expect(state.userData[`${alice}/i3`]).toMatchObject({ played: true, playCount: 3 });
    expect(state.userData[`${carol}/i2`]).toMatchObject({ played: true, playCount: 3 });
    // Fields the action does not set stay as they were (bob's Played).
    expect(state.userData[`${bob}/i3`]).toEqual({
      played: true,
      playCount: 4,
      lastPlayedAt: "2024-05-01T10:00:00.000Z",
      positionMs: 61_000,
      rating: 8,
      isFavorite: false,
    });
    const titles = (owner: string) => state.playlists.filter((p) => p.ownerUserId === owner);
    expect(titles(alice).map((p) => [p.title, p.entries.map((e) => e.itemId)])).toEqual([
      ["Favourites", ["i1", "i2", "i3"]],
    ]);
    expect(titles(carol).map((p) => [p.title, p.entries.map((e) => e.itemId)])).toEqual([
      ["Mine", ["i2", "i1"]],
    ]);
    expect(titles(bob)[0]!.entries.map((e) => e.itemId)).toEqual(["i4", "i5", "i6"]);
    expect(state.collections.map((c) => [c.title, c.memberIds])).toEqual([
      ["Classics", ["i1", "i2", "i10"]],
      ["Trilogy", ["i7", "i8", "i9"]],
    ]);
    expect(result.writesSent).toBe(fake.writes);
  });

  it("sends zero writes when the same plan runs again with the same journal", async () => {
    const { fake, plan } = await scenario();
    await applyPlan(plan, fake, options());
    const before = fake.state();
    fake.writes = 0;
    fake.requests = 0;
    const second = await applyPlan(plan, fake, options());
    expect(fake.writes).toBe(0);
    expect(second).toMatchObject({ applied: 0, alreadyDone: 15, writesSent: 0 });
    expect(fake.state()).toEqual(before);
  });

  it("journals each action's fingerprint and, when the run ends, the plan's digest", async () => {
    const { fake, plan } = await scenario();
    await applyPlan(plan, fake, options());
    // A copy: digests are kept per plan object, and this one must be worked out afresh.
    const expected = digestPlan(structuredClone(plan));
    const db = new Database(join(dir, "run.journal"), { readonly: true });
    try {
      const runs = db.prepare("SELECT plan_fingerprint FROM runs").all() as { plan_fingerprint: string }[];
      expect(runs).toEqual([{ plan_fingerprint: expected.digest }]);
      const prints = new Map(
        (
          db.prepare("SELECT key, fingerprint FROM actions").all() as { key: string; fingerprint: string }[]
        ).map((row) => [row.key, row.fingerprint]),
      );
      expect(prints.size).toBe(plan.actions.length);
      plan.actions.forEach((action, i) => {
        expect(prints.get(action.key)).toBe(expected.actions.at(i));
      });
    } finally {
      db.close();
    }
  });

  it("re-checks the target when the journal was deleted: nothing is written twice", async () => {
    const { fake, plan } = await scenario();
    await applyPlan(plan, fake, options());
    const before = fake.state();
    fake.writes = 0;
    const again = await applyPlan(plan, fake, options({ journalPath: join(dir, "fresh.journal") }));
    expect(fake.writes).toBe(0);
    expect(again.alreadyDone).toBe(15);
    expect(fake.state()).toEqual(before);
  });

  it("reports a changed target value as a conflict and leaves it", async () => {
    const { fake, plan } = await scenario();
    const alice = fake.userId("alice");
    fake.poke(alice, "i2", { played: true, playCount: 7 });
    const result = await applyPlan(plan, fake, options());
    expect(result.conflicted).toBe(1);
    expect(result.conflicts[0]).toMatchObject({ key: "watched:alice:i2", title: "Item i2" });
    expect(result.conflicts[0]!.reason).toMatch(/playCount is 7, planned from 0/);
    expect(fake.state().userData[`${alice}/i2`]).toMatchObject({ playCount: 7 });
  });

  it("does not apply a write twice when its response was lost", async () => {
    const { fake, plan } = await scenario();
    fake.setFaults({ loseResponses: [1, 2, 3, 5, 8] });
    const result = await applyPlan(plan, fake, options({ concurrency: 1 }));
    expect(result).toMatchObject({ applied: 15, failed: 0, conflicted: 0 });
    expect(neutral(fake.state())).toEqual(await referenceState());
    // Each action changes the target exactly once, lost responses included.
    expect(fake.appliedWrites).toBe(15);
    expect(fake.writeLog.filter((w) => w.outcome === "lost")).toHaveLength(5);
  });
});
