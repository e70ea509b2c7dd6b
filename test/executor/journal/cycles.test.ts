import { describe, expect, it } from "vitest";
import { CommitCycles, type CycleSteps } from "../../../src/executor/journal/cycles.js";

/** Steps whose syncs the test ends by hand, recording what happened in order. */
function steps(options: { wal?: boolean; commitFails?: boolean } = {}) {
  const events: string[] = [];
  const syncs: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const value: CycleSteps = {
    open: () => true,
    commit: () => {
      events.push("commit");
      if (options.commitFails) throw new Error("disk full");
    },
    sync:
      options.wal === false
        ? undefined
        : () =>
            new Promise<void>((resolve, reject) => {
              events.push("sync");
              syncs.push({ resolve, reject });
            }),
    syncError: (error) => new Error(`sync failed: ${String(error)}`),
  };
  return { events, syncs, value };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("the journal's commit cycles", () => {
  it("release a write only once the commit after its prior is synced, one sync at a time", async () => {
    const { events, syncs, value } = steps();
    const cycles = new CommitCycles(value);
    const told: string[] = [];
    void cycles.wait("a").then(() => told.push("a"));
    void cycles.wait("b").then(() => told.push("b"));
    await turn();
    // One commit and one sync for both.
    expect(events).toEqual(["commit", "sync"]);
    expect(told).toEqual([]);
    // A prior recorded while the sync runs waits for the next cycle.
    void cycles.wait("c").then(() => told.push("c"));
    await turn();
    expect(events).toEqual(["commit", "sync"]);
    syncs[0]!.resolve();
    await turn();
    expect(told).toEqual(["a", "b"]);
    await turn();
    expect(events).toEqual(["commit", "sync", "commit", "sync"]);
    syncs[1]!.resolve();
    await turn();
    expect(told).toEqual(["a", "b", "c"]);
  });

  it("without a WAL to sync, release the writes once committed", async () => {
    const { events, value } = steps({ wal: false });
    const cycles = new CommitCycles(value);
    await cycles.wait("a");
    expect(events).toEqual(["commit"]);
  });

  it("tell every waiting write when the commit or the sync fails", async () => {
    const failing = steps({ commitFails: true });
    const cycles = new CommitCycles(failing.value);
    await expect(Promise.all([cycles.wait("a"), cycles.wait("b")])).rejects.toThrow("disk full");

    const syncing = steps();
    const other = new CommitCycles(syncing.value);
    const waits = [other.wait("a"), other.wait("b")];
    await turn();
    syncing.syncs[0]!.reject("EIO");
    for (const wait of waits) await expect(wait).rejects.toThrow("sync failed: EIO");
  });

  it("hands the waiting writes to a flush, which commits for them itself", async () => {
    const { events, value } = steps();
    const cycles = new CommitCycles(value);
    let told = false;
    const wait = cycles.wait("a").then(() => {
      told = true;
    });
    const taken = cycles.take();
    expect(taken.map((w) => w.key)).toEqual(["a"]);
    cycles.release(taken);
    await wait;
    expect(told).toBe(true);
    await turn();
    // The cycle found nothing left to do.
    expect(events).toEqual([]);
    cycles.stop();
  });
});
