import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { cleanEndState, endState, type Rig, sampleRig, writesOf } from "./harness.js";

/**
 * Failure matrix, target side (docs/reliability.md): each case runs the real CLI against the
 * sandbox with injected faults and checks the exit code and the target's exact end state.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

/** Resolves once the sandbox has answered `count` writes (polls the request log). */
function afterWrites(r: Rig, count: number, then: () => void | Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (writesOf(r.sandbox) >= count) {
        clearInterval(timer);
        void Promise.resolve(then()).then(resolve);
      }
    }, 2);
  });
}

function journalCounts(path: string): { integrity: unknown; statuses: Record<string, number> } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    const rows = db.prepare("SELECT status, count(*) AS n FROM actions GROUP BY status").all() as {
      status: string;
      n: number;
    }[];
    return { integrity, statuses: Object.fromEntries(rows.map((r) => [r.status, r.n])) };
  } finally {
    db.close();
  }
}

describe("failure matrix: the target", () => {
  it("target down at start: exit 4, nothing written (no journal, no credentials)", async () => {
    rig = await sampleRig();
    const before = endState(rig.sandbox.dump());
    await rig.sandbox.stop();
    const result = await rig.run("migrate");
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/reach|connect|refused/i);
    expect(existsSync(rig.journal)).toBe(false);
    expect(existsSync(rig.credentials)).toBe(false);
    await rig.sandbox.restart();
    expect(writesOf(rig.sandbox)).toBe(0);
    expect(endState(rig.sandbox.dump()).playlists).toEqual(before.playlists);
  });

  it("target restarts mid-run (in-flight requests dropped): the run completes with the exact state", async () => {
    rig = await sampleRig();
    const r = rig;
    r.sandbox.faults.set({ latencyMs: 150, onlyWrites: true });
    const running = r.run("migrate");
    await afterWrites(r, 4, () => r.sandbox.restart());
    const result = await running;
    expect(result.stderr).not.toMatch(/Error:/);
    expect(result.code, result.stderr).toBe(0);
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
    expect(r.sandbox.violations).toEqual([]);
  });

  it("target dies mid-run and comes back on the same port: the rerun completes, exact state", async () => {
    rig = await sampleRig();
    const r = rig;
    r.sandbox.faults.set({ latencyMs: 150, onlyWrites: true });
    const running = r.run("migrate");
    await afterWrites(r, 4, () => r.sandbox.stop());
    const first = await running;
    expect(first.code, first.stderr).toBe(4);
    expect(first.stderr).toMatch(/reach|connect|refused/i);
    expect(journalCounts(r.journal).integrity).toBe("ok");

    await r.sandbox.restart();
    r.sandbox.faults.clear();
    const second = await r.run("migrate");
    expect(second.code, second.stderr).toBe(0);
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
    // Nothing applied twice: a third run has nothing to do.
    const before = writesOf(r.sandbox);
    const third = await r.run("migrate");
    expect(third.code).toBe(0);
    expect(writesOf(r.sandbox)).toBe(before);
  }, 60_000);

  it("bursts of 503 with Retry-After: waits, retries and completes with the exact state", async () => {
    rig = await sampleRig();
    const r = rig;
    // After the 3rd write every write answers 503 (Retry-After: 1) until the burst is over.
    r.sandbox.faults.set({ onlyWrites: true, failAfterRequests: 3, retryAfterSeconds: 1 });
    const running = r.run("migrate");
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (r.sandbox.requests.filter((q) => q.fault === "503").length >= 8) {
          clearInterval(timer);
          r.sandbox.faults.clear();
          resolve();
        }
      }, 5);
    });
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    const faulted = r.sandbox.requests.filter((q) => q.fault === "503");
    expect(faulted.filter((q) => q.write).length).toBeGreaterThan(0);
    // Each refused user-data write (one user, one item: its own path and query) was tried
    // again no sooner than its Retry-After.
    const same = (a: (typeof faulted)[number], b: (typeof faulted)[number]) =>
      a.method === b.method && a.path === b.path && JSON.stringify(a.query) === JSON.stringify(b.query);
    const refusedData = faulted.filter((q) => q.write && /UserData|PlayedItems/.test(q.path));
    expect(refusedData.length).toBeGreaterThan(0);
    for (const failed of refusedData) {
      const again = r.sandbox.requests.find((q) => q.at > failed.at && same(q, failed));
      expect(again, `${failed.path} retried`).toBeDefined();
      expect(again!.at - failed.at).toBeGreaterThanOrEqual(990);
    }
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
  }, 60_000);

  it("a hanging server: --timeout gives up on each request, retries, and ends with a clear error", async () => {
    rig = await sampleRig();
    rig.sandbox.faults.set({ hangRate: 1 });
    const started = Date.now();
    const result = await rig.run("migrate", "--timeout", "1");
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/timed? ?out|did not answer|no answer/i);
    // More than one attempt was made, each cut off at about a second.
    expect(rig.sandbox.requests.length).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(existsSync(rig.credentials)).toBe(false);
  }, 60_000);

  it("a server that hangs now and then: timed-out requests are retried and the run completes", async () => {
    rig = await sampleRig();
    rig.sandbox.faults.set({ hangRate: 0.1, seed: 3 });
    const result = await rig.run("migrate", "--timeout", "1");
    expect(result.code, result.stderr).toBe(0);
    expect(rig.sandbox.requests.some((q) => q.fault === "hang")).toBe(true);
    expect(endState(rig.sandbox.dump())).toEqual(await cleanEndState());
  }, 90_000);

  it("API key revoked mid-run: stops cleanly with exit 4, the journal intact", async () => {
    rig = await sampleRig();
    const r = rig;
    r.sandbox.faults.set({ latencyMs: 150, onlyWrites: true });
    const running = r.run("migrate");
    await afterWrites(r, 4, () => r.sandbox.revokeApiKey());
    const result = await running;
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/API key|credential|401|unauthori[sz]ed|refused/i);
    const answered = r.sandbox.requests.filter((q) => q.write && q.status >= 200 && q.status < 300).length;
    const journal = journalCounts(r.journal);
    expect(journal.integrity).toBe("ok");
    // Every write the target accepted is in the journal (done, or prior recorded awaiting
    // confirmation), so rollback and resume know about it.
    const recorded = Object.values(journal.statuses).reduce((a, b) => a + b, 0);
    expect(recorded).toBeGreaterThanOrEqual(answered);
    // No write went out after the key stopped working.
    const firstRefused = r.sandbox.requests.findIndex((q) => q.status === 401);
    expect(firstRefused).toBeGreaterThanOrEqual(0);
    expect(r.sandbox.requests.slice(firstRefused).filter((q) => q.write && q.status < 300)).toEqual([]);
  });
});
