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

function begin(journal: Journal, key: string): void {
  journal.begin(key, {
    type: "set-user-data",
    fingerprint: `f-${key}`,
    userId: "u",
    userName: "u",
    itemId: key,
    title: key,
  });
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

  it("commits the priors recorded during a sync together and syncs them once, after it", async () => {
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
    // b, c and d are committed but wait for a sync that starts after the running one.
    expect(statusOn(dir, "d")).toBe("prior-recorded");
    expect(syncs).toHaveLength(1);
    syncs[0]!.resolve();
    await first;
    await turn();
    expect(syncs).toHaveLength(2);
    syncs[1]!.resolve();
    await Promise.all(later);
    journal.close();
  });

  it("keeps commits outside this path at synchronous FULL", async () => {
    const dir = tempDir();
    const journal = journalAt(dir);
    begin(journal, "a");
    await journal.recordPrior("a", {}, {});
    const db = (journal as unknown as { db: Database.Database }).db;
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
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
