import { describe, expect, it } from "vitest";
import { applyPlan } from "../../src/executor/apply.js";
import { RunContext } from "../../src/executor/context.js";
import type { Journal } from "../../src/executor/journal/index.js";
import { Journal as JournalFile } from "../../src/executor/journal/index.js";
import { READ_BACK_BATCH, ReadBacks } from "../../src/executor/readback.js";
import { RECHECK_BATCH } from "../../src/executor/recheck.js";
import { ServiceError } from "../../src/http/errors.js";
import { EMPTY_USER_DATA, type TargetUserData } from "../../src/model/index.js";
import { FakeTarget } from "../helpers/fake-target.js";
import { bigPlan, ITEMS } from "./big-plan.js";
import { applyOptions, tempDir } from "./helpers.js";

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `i${from + i}`);

/** A run context over a fake whose batch reads are logged as "user:id,id,…". */
function context(controller = new AbortController()) {
  const fake = new FakeTarget({ users: ["alice", "bob"], items: ids(300) });
  const reads: string[] = [];
  const read = fake.readUserData;
  fake.readUserData = (userId, itemIds) => {
    reads.push(`${userId === fake.userId("alice") ? "alice" : "bob"}:${itemIds.length}`);
    return read(userId, itemIds);
  };
  const ctx = new RunContext(fake, {} as Journal, 4, controller.signal);
  return { fake, ctx, reads, alice: fake.userId("alice"), bob: fake.userId("bob") };
}

/** A write that stays in flight until `end` is called: the write queue is busy meanwhile. */
function busyWrite(ctx: RunContext): { end(): void; done: Promise<unknown> } {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  return {
    end,
    done: ctx.write(
      () => {},
      () => ended,
    ),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("ReadBacks: user-data writes read back in batches", () => {
  it("a full batch is one read, while writes are still going", async () => {
    const { ctx, reads, alice } = context();
    const write = busyWrite(ctx);
    const backs = new ReadBacks(ctx, 10, 3_600_000);
    const values = ids(10).map((id) => backs.read(alice, id));
    expect(await Promise.all(values)).toHaveLength(10);
    expect(reads).toEqual(["alice:10"]);
    write.end();
    await write.done;
    backs.close();
  });

  it("waits while writes are in flight, and reads what waits once the write queue runs empty", async () => {
    const { ctx, reads, alice } = context();
    const write = busyWrite(ctx);
    const backs = new ReadBacks(ctx, 10, 3_600_000);
    const values = ids(3).map((id) => backs.read(alice, id));
    await turn();
    await turn();
    expect(reads).toEqual([]);
    write.end();
    await Promise.all(values);
    expect(reads).toEqual(["alice:3"]);
    await write.done;
    backs.close();
  });

  it("with no write in flight, reads at once (the end of a pass)", async () => {
    const { ctx, reads, alice } = context();
    const backs = new ReadBacks(ctx, 10, 3_600_000);
    await backs.read(alice, "i1");
    expect(reads).toEqual(["alice:1"]);
    backs.close();
  });

  it("when a batch's worth waits across users, reads the user with the most", async () => {
    const { ctx, reads, alice, bob } = context();
    const write = busyWrite(ctx);
    const backs = new ReadBacks(ctx, 10, 3_600_000);
    const values = [...ids(7).map((id) => backs.read(alice, id)), ...ids(3).map((id) => backs.read(bob, id))];
    await Promise.all(values.slice(0, 7));
    expect(reads).toEqual(["alice:7"]);
    expect(backs.pending).toBe(3);
    write.end();
    await Promise.all(values);
    expect(reads).toEqual(["alice:7", "bob:3"]);
    backs.close();
  });

  it("reads what waits after the longest wait, though writes keep the queue busy", async () => {
    const { ctx, reads, alice } = context();
    const write = busyWrite(ctx);
    const backs = new ReadBacks(ctx, 10, 5);
    await backs.read(alice, "i1");
    expect(reads).toEqual(["alice:1"]);
    write.end();
    backs.close();
  });

  it("reads at once when the run stops, and that read goes out although the run is stopping", async () => {
    const controller = new AbortController();
    const { ctx, reads, alice } = context(controller);
    const write = busyWrite(ctx);
    const backs = new ReadBacks(ctx, 10, 3_600_000);
    const value = backs.read(alice, "i1");
    await turn();
    expect(reads).toEqual([]);
    controller.abort();
    expect(await value).toMatchObject({ played: false });
    expect(reads).toEqual(["alice:1"]);
    // After the stop, an item joining is read at once as well.
    await backs.read(alice, "i2");
    expect(reads).toEqual(["alice:1", "alice:1"]);
    write.end();
    backs.close();
  });

  it("a failed read fails every item that waited for it; an item the answer lacks fails alone", async () => {
    const { ctx, fake, alice } = context();
    const backs = new ReadBacks(ctx, 2, 3_600_000);
    const busy = new ServiceError("transient", "the target answered 503", { status: 503 });
    fake.readUserData = () => Promise.reject(busy);
    const failed = [backs.read(alice, "i1"), backs.read(alice, "i2")];
    for (const value of failed) await expect(value).rejects.toBe(busy);
    fake.readUserData = async (_user, itemIds) =>
      new Map<string, TargetUserData>(itemIds.slice(1).map((id) => [id, { ...EMPTY_USER_DATA }]));
    const partial = [backs.read(alice, "i3"), backs.read(alice, "i4")];
    await expect(partial[0]).rejects.toThrow(/did not answer item i3/);
    await expect(partial[1]).resolves.toMatchObject({ playCount: 0 });
    backs.close();
  });
});

describe("apply where writes are read back (Emby)", () => {
  it("one write per change, and reads in batches: re-checks and read-backs each about ⌈items / batch⌉ per user", async () => {
    const { fake, plan, reads, readBacks } = bigPlan();
    fake.userDataReadBack = true;
    const result = await applyPlan(plan, fake, applyOptions(tempDir()));
    expect(result).toMatchObject({ applied: 2 * ITEMS, conflicted: 0, failed: 0 });
    expect(fake.writes).toBe(2 * ITEMS);
    // Every item written was read back, each once.
    const backed = readBacks.flat();
    expect(backed).toHaveLength(2 * ITEMS);
    expect(new Set(backed).size).toBe(ITEMS);
    expect(readBacks.every((batch) => batch.length <= READ_BACK_BATCH)).toBe(true);
    const rechecks = reads.length - readBacks.length;
    expect(rechecks).toBe(2 * Math.ceil(ITEMS / RECHECK_BATCH));
    // Issue 14's budget: requests ≤ 1.05 × writes + the re-check pages.
    expect(fake.writes + reads.length).toBeLessThanOrEqual(Math.floor(1.05 * fake.writes) + rechecks);
  });

  it("a write the read-back shows was not stored is a failure, and the journal says why", async () => {
    const { fake, plan, readBacks } = bigPlan();
    fake.userDataReadBack = true;
    // A server that keeps Played but drops PlayCount for one item.
    const bob = fake.userId("bob");
    const send = fake.sendUserData;
    fake.sendUserData = async (userId, itemId, change) => {
      const sent = await send(userId, itemId, change);
      if (userId === bob && itemId === "i007") fake.poke(userId, itemId, { playCount: 0 });
      return sent;
    };
    const dir = tempDir();
    const result = await applyPlan(plan, fake, applyOptions(dir));
    expect(result).toMatchObject({ applied: 2 * ITEMS - 1, failed: 1 });
    expect(result.failures[0]!.reason).toMatch(/not stored as asked: playCount asked \d, stored 0/);
    expect(readBacks.flat()).toContain("i007");
    const journal = JournalFile.open(`${dir}/run.journal`, fake.info, { toolVersion: "t" });
    try {
      const row = journal.statuses().get(`watched:bob:i007`);
      expect(row?.status).toBe("failed");
    } finally {
      journal.close();
    }
  });

  it("a crash in a read-back leaves its writes unconfirmed; the rerun confirms them without writing again", async () => {
    const { fake, plan, readBacks } = bigPlan();
    fake.userDataReadBack = true;
    const dir = tempDir();
    // The first read-back crashes the run (a plain error stops it): its writes landed, unconfirmed.
    const read = fake.readUserData;
    let crashed: string[] | undefined;
    fake.readUserData = (userId, itemIds) => {
      const before = readBacks.length;
      const answer = read(userId, itemIds);
      if (crashed === undefined && readBacks.length > before) {
        crashed = [...itemIds];
        return Promise.reject(new Error("simulated crash"));
      }
      return answer;
    };
    await expect(applyPlan(plan, fake, applyOptions(dir))).rejects.toThrow("simulated crash");
    const landed = fake.appliedWrites;
    expect(landed).toBeLessThan(2 * ITEMS);
    const journal = JournalFile.open(`${dir}/run.journal`, fake.info, { toolVersion: "t" });
    const rows = [...journal.statuses().entries()];
    journal.close();
    // The writes in flight when the run stopped were read back and confirmed; those of the
    // crashed read were not (nor those whose write never went out), and nothing is confirmed
    // that was not read back.
    const unconfirmed = rows.filter(([, row]) => row.status === "prior-recorded").map(([key]) => key);
    const crashedUser = unconfirmed.find((key) => key.endsWith(`:${crashed![0]}`))!.split(":")[1];
    for (const itemId of crashed!) expect(unconfirmed).toContain(`watched:${crashedUser}:${itemId}`);
    expect(rows.filter(([, row]) => row.status === "done")).toHaveLength(landed - crashed!.length);

    const again = await applyPlan(plan, fake, applyOptions(dir));
    expect(again).toMatchObject({ failed: 0, conflicted: 0 });
    expect(again.applied + again.alreadyDone).toBe(2 * ITEMS);
    // Each change reached the target exactly once over both runs.
    expect(fake.appliedWrites).toBe(2 * ITEMS);
  });
});
