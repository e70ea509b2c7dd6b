import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyPlan } from "../../../src/executor/apply.js";
import { Journal, JournalWriteError } from "../../../src/executor/journal/index.js";
import { WalSync } from "../../../src/executor/journal/wal-sync.js";
import { applyOptions, tempDir } from "../helpers.js";
import { scenario } from "../scenario.js";

/** A promise the test settles. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

function journalAt(dir: string): Journal {
  return Journal.open(
    join(dir, "run.journal"),
    { serverId: "s1", url: "http://t", kind: "jellyfin" },
    {
      toolVersion: "test",
    },
  );
}

function info(key: string) {
  return {
    type: "set-user-data",
    fingerprint: `f-${key}`,
    userId: "u",
    userName: "u",
    itemId: key,
    title: key,
  };
}

function begin(journal: Journal, key: string): void {
  journal.begin(key, info(key));
}

function statusOn(dir: string, key: string): string | undefined {
  const db = new Database(join(dir, "run.journal"), { readonly: true });
  try {
    return db.prepare("SELECT status FROM actions WHERE key = ?").pluck().get(key) as string | undefined;
  } finally {
    db.close();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("journal: priors synced off the event loop", () => {
  it("tells a write to go only once the WAL sync after its prior's commit has completed", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    const syncs: ReturnType<typeof deferred>[] = [];
    vi.spyOn(WalSync.prototype, "sync").mockImplementation(() => {
      const sync = deferred();
      syncs.push(sync);
      return sync.promise;
    });
    begin(journal, "a");
    let durable = false;
    const prior = journal.recordPrior("a", { played: false }, { played: true }).then(() => {
      durable = true;
    });
    await turn();
    // Committed (another connection sees it) but not yet synced: the write must still wait.
    expect(statusOn(dir, "a")).toBe("prior-recorded");
    expect(syncs).toHaveLength(1);
    await turn();
    expect(durable).toBe(false);
    syncs[0]!.resolve();
    await prior;
    expect(durable).toBe(true);
    journal.close();
  });

  it("commits the priors recorded during a sync together after it, and syncs them once", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    const syncs: ReturnType<typeof deferred>[] = [];
    vi.spyOn(WalSync.prototype, "sync").mockImplementation(() => {
      const sync = deferred();
      syncs.push(sync);
      return sync.promise;
    });
    for (const key of ["a", "b", "c", "d"]) begin(journal, key);
    const first = journal.recordPrior("a", {}, {});
    await turn();
    const later = ["b", "c", "d"].map((key) => journal.recordPrior(key, {}, {}));
    await turn();
    // b, c and d wait for the next cycle: one commit and one sync once the running sync is done.
    expect(statusOn(dir, "a")).toBe("prior-recorded");
    expect(statusOn(dir, "d")).toBe("pending");
    expect(syncs).toHaveLength(1);
    syncs[0]!.resolve();
    await first;
    await turn();
    expect(statusOn(dir, "d")).toBe("prior-recorded");
    expect(syncs).toHaveLength(2);
    let sent = 0;
    for (const prior of later) void prior.then(() => sent++);
    await turn();
    expect(sent).toBe(0);
    syncs[1]!.resolve();
    await Promise.all(later);
    journal.close();
  });

  it("spaces its cycles by half of a write's time, so a slow target's priors share a sync", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    let syncs = 0;
    vi.spyOn(WalSync.prototype, "sync").mockImplementation(async () => {
      syncs += 1;
    });
    const clock = vi.spyOn(performance, "now").mockReturnValue(1_000);
    const keys = Array.from({ length: 8 }, (_, i) => `k${i}`);
    for (const key of keys) begin(journal, key);
    // No write timed yet: the first prior goes at once; its write then takes 30 ms.
    await journal.recordPrior("k0", {}, {});
    expect(syncs).toBe(1);
    clock.mockReturnValue(1_030);
    journal.confirm("k0", {});
    // Half of 30 ms after the last cycle began: the next priors wait until 1,015 ms, then go together.
    clock.mockReturnValue(1_005);
    const timers: { run: () => void; ms: number | undefined }[] = [];
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((run: () => void, ms?: number) => {
      timers.push({ run, ms });
      return 0;
    }) as unknown as typeof setTimeout);
    let durable = 0;
    const waiting = keys.slice(1, 4).map((key) => journal.recordPrior(key, {}, {}).then(() => durable++));
    await turn();
    expect(timers.map((timer) => timer.ms)).toEqual([10]);
    expect([durable, syncs]).toEqual([0, 1]);
    expect(statusOn(dir, "k1")).toBe("pending");
    timers[0]!.run();
    await Promise.all(waiting);
    expect([durable, syncs]).toEqual([3, 2]);
    // A write that failed for good is not timed; the learnt time stays.
    journal.settle("k1", "failed", "x");
    journal.close();
  });

  it("waits 20 ms at most however slow the writes, and a flush lets waiting writes go at once", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    const sync = vi.spyOn(WalSync.prototype, "sync").mockResolvedValue();
    const clock = vi.spyOn(performance, "now").mockReturnValue(0);
    for (const key of ["a", "b", "c"]) begin(journal, key);
    await journal.recordPrior("a", {}, {});
    clock.mockReturnValue(10_000);
    journal.confirm("a", {});
    // Writes take 10 s: the cycle still waits only until 20 ms after the last one began.
    clock.mockReturnValue(10);
    const started = Date.now();
    await journal.recordPrior("b", {}, {});
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sync).toHaveBeenCalledTimes(2);
    clock.mockReturnValue(15);
    const c = journal.recordPrior("c", {}, {});
    journal.flush();
    await c;
    expect(statusOn(dir, "c")).toBe("prior-recorded");
    expect(sync).toHaveBeenCalledTimes(2);
    journal.close();
  });

  it("keeps every field any prior of an action set, whether in one batch or across batches", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    vi.spyOn(WalSync.prototype, "sync").mockResolvedValue();
    begin(journal, "a");
    begin(journal, "b");
    // Two tries of a in one batch (its row inserted in that batch too), then a third later.
    const first = journal.recordPrior("a", {}, {}, ["played"]);
    const again = journal.recordPrior("a", {}, {}, ["playCount"]);
    const b = journal.recordPrior("b", {}, {}, ["rating"]);
    await Promise.all([first, again, b]);
    await journal.recordPrior("a", {}, {}, ["lastPlayedAt"]);
    journal.flush();
    expect(journal.get("a")?.fields).toEqual(["played", "playCount", "lastPlayedAt"]);
    expect(journal.get("a")?.attempts).toBe(3);
    expect(journal.get("b")?.fields).toEqual(["rating"]);
    journal.close();
  });

  it("inserts a row with its prior in one statement, leaving it as an INSERT and an UPDATE would", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    vi.spyOn(WalSync.prototype, "sync").mockResolvedValue();
    // c: registered, committed, then its prior (an UPDATE of the stored row).
    begin(journal, "c");
    journal.flush();
    // a and b: registered and given their priors in one batch, b's first.
    begin(journal, "a");
    begin(journal, "b");
    const prior = { played: false, playCount: 2 };
    const wanted = { played: true };
    await Promise.all([
      journal.recordPrior("b", prior, wanted, ["played"]),
      journal.recordPrior("a", prior, wanted, ["played", "played"]),
      journal.recordPrior("c", prior, wanted, ["played"]),
    ]);
    journal.flush();
    const db = new Database(join(dir, "run.journal"), { readonly: true });
    const rows = db.prepare("SELECT * FROM actions ORDER BY key").all() as Record<string, unknown>[];
    db.close();
    const [a, b, c] = rows.map((row) => ({
      ...row,
      key: undefined,
      fingerprint: undefined,
      item_id: undefined,
      title: undefined,
    }));
    expect(a).toMatchObject({
      status: "prior-recorded",
      attempts: 1,
      fields: '["played"]',
      original: JSON.stringify(prior),
    });
    for (const row of [a, b])
      expect({ ...row, seq: 0, prior_at: 0, updated_at: 0 }).toEqual({
        ...c,
        seq: 0,
        prior_at: 0,
        updated_at: 0,
      });
    // Each row's place in the event order is its prior's: b, then a, then c.
    expect(rows.map((row) => [row.key, row.seq])).toEqual([
      ["a", 2],
      ["b", 1],
      ["c", 3],
    ]);
    journal.close();
  });

  it("finds a registered row again whether the journal was empty when opened or not", async () => {
    const dir = tempDir();
    const first = journalAt(dir);
    vi.spyOn(WalSync.prototype, "sync").mockResolvedValue();
    begin(first, "a");
    await first.recordPrior("a", {}, {}, ["played"]);
    first.confirm("a", {});
    // Registered again in the same run (a retry pass): the stored row, not a new one.
    expect(first.begin("a", info("a")).status).toBe("done");
    first.close();
    const again = journalAt(dir);
    expect(again.begin("a", info("a")).status).toBe("done");
    expect(again.begin("b", info("b")).status).toBe("pending");
    again.close();
  });

  it("hands out copies of registered rows that callers may change", () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    begin(journal, "a");
    const row = journal.get("a")!;
    row.fields.push("played");
    row.created.userId = "x";
    row.status = "done";
    expect(journal.get("a")).toMatchObject({ fields: [], created: {}, status: "pending" });
    journal.close();
  });

  it("keeps commits outside this path at synchronous FULL", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    begin(journal, "a");
    await journal.recordPrior("a", {}, {});
    const db = (journal as unknown as { db: Database.Database }).db;
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(10_000);
    journal.close();
  });

  it("stops the run before the write when the WAL cannot be synced", async () => {
    vi.spyOn(WalSync.prototype, "sync").mockRejectedValue(
      Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }),
    );
    const dir = tempDir();
    const { fake, plan } = await scenario();
    const error = await applyPlan(plan, fake, applyOptions(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalWriteError);
    expect((error as Error).message).toMatch(/sync prior values to disk.*EIO/);
    expect(fake.writes).toBe(0);
  });
});
