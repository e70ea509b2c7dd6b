import { existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../helpers/dist.js";
import { run } from "../helpers/io.js";
import { cleanEndState, endState, type Rig, sampleRig, writesOf } from "./harness.js";
import { runProcess } from "./process.js";

/** Failure matrix, journal side: damaged, deleted and unwritable journals between and during runs. */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

/** A run stopped part-way: the target dies after four writes (exit 4), then comes back. */
async function interruptedRun(): Promise<Rig> {
  const r = await sampleRig();
  rig = r;
  r.sandbox.faults.set({ latencyMs: 150, onlyWrites: true });
  const running = r.run("migrate");
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (writesOf(r.sandbox) >= 4) {
        clearInterval(timer);
        void r.sandbox.stop().then(resolve);
      }
    }, 2);
  });
  const first = await running;
  expect(first.code, first.stderr).toBe(4);
  await r.sandbox.restart();
  r.sandbox.faults.clear();
  return r;
}

const CORRUPTIONS: [string, (path: string) => void][] = [
  ["truncated to half", (p) => truncateSync(p, Math.floor(readFileSync(p).length / 2))],
  ["emptied", (p) => truncateSync(p, 0)],
  [
    "garbage over the header",
    (p) => {
      const bytes = readFileSync(p);
      bytes.fill(0x5a, 0, 100);
      writeFileSync(p, bytes);
    },
  ],
  [
    "replaced by another SQLite file",
    (p) => {
      rmSync(p);
      const other = new Database(p);
      other.exec("CREATE TABLE notes (text TEXT)");
      other.close();
    },
  ],
  ["replaced by text", (p) => writeFileSync(p, "not a journal\n")],
];

/** A finished apply of a saved plan, and a way to apply the same plan again. */
async function appliedPlan() {
  const r = await sampleRig();
  rig = r;
  const plan = join(r.dir, "plan.json");
  expect((await r.run("plan", "--out", plan)).code).toBe(0);
  const env = { PLEXODUS_TARGET_API_KEY: r.sandbox.apiKey };
  const apply = () =>
    run(["apply", "--plan", plan, "--yes", "--journal", r.journal, "--credentials-file", r.credentials], {
      cwd: r.dir,
      env,
    });
  const first = await apply();
  expect(first.code, first.stderr).toBe(0);
  return { r, apply };
}

describe("failure matrix: the journal", () => {
  it.each(CORRUPTIONS)(
    "journal %s between runs: refused with exit 3 and a clear message, nothing written, never double-applied",
    async (_name, corrupt) => {
      const { r, apply } = await appliedPlan();
      for (const suffix of ["-wal", "-shm"]) rmSync(r.journal + suffix, { force: true });
      corrupt(r.journal);
      const before = writesOf(r.sandbox);
      const refused = await apply();
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toContain(`the journal ${r.journal} cannot be used`);
      expect(writesOf(r.sandbox)).toBe(before);
      // Moving the bad file away starts a new journal; every action re-checks the target.
      rmSync(r.journal);
      const again = await apply();
      expect(again.code, again.stderr).toBe(0);
      expect(writesOf(r.sandbox)).toBe(before);
      expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
    },
  );

  it("journal deleted after a finished apply: the same plan applied again sends no write", async () => {
    const { r, apply } = await appliedPlan();
    const after = writesOf(r.sandbox);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(r.journal + suffix, { force: true });
    const again = await apply();
    expect(again.code, again.stderr).toBe(0);
    expect(writesOf(r.sandbox)).toBe(after);
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
  });

  it("journal deleted before a rollback: refused with exit 3 naming the file, nothing written", async () => {
    const { r } = await appliedPlan();
    const after = writesOf(r.sandbox);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(r.journal + suffix, { force: true });
    const result = await run(["rollback", "--journal", r.journal, "--yes", "--target-url", r.sandbox.url], {
      cwd: r.dir,
      env: { PLEXODUS_TARGET_API_KEY: r.sandbox.apiKey },
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(`the journal ${r.journal} cannot be used: the file does not exist`);
    expect(writesOf(r.sandbox)).toBe(after);
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
  });

  it("journal corrupted before a rollback: refused with exit 3, nothing written", async () => {
    const { r } = await appliedPlan();
    const after = writesOf(r.sandbox);
    for (const suffix of ["-wal", "-shm"]) rmSync(r.journal + suffix, { force: true });
    truncateSync(r.journal, Math.floor(readFileSync(r.journal).length / 2));
    const result = await run(["rollback", "--journal", r.journal, "--yes", "--target-url", r.sandbox.url], {
      cwd: r.dir,
      env: { PLEXODUS_TARGET_API_KEY: r.sandbox.apiKey },
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(`the journal ${r.journal} cannot be used`);
    expect(writesOf(r.sandbox)).toBe(after);
  });

  it("journal deleted in the middle of an interrupted run: the rerun applies nothing twice, exact state", async () => {
    const r = await interruptedRun();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(r.journal + suffix, { force: true });
    const rerun = await r.run("migrate");
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
  }, 60_000);
});

describe("failure matrix: disk full while writing the journal (a real process under ulimit -f)", () => {
  let skip: string | null = null;
  beforeAll(() => {
    skip = ensureBuilt();
  }, 180_000);

  async function applyUnderLimit(blocks: number) {
    const r = await sampleRig();
    rig = r;
    const plan = join(r.dir, "plan.json");
    expect((await r.run("plan", "--out", plan)).code).toBe(0);
    const args = [
      "apply",
      "--plan",
      plan,
      "--yes",
      "--journal",
      r.journal,
      "--credentials-file",
      r.credentials,
    ];
    const env = { PLEXODUS_TARGET_API_KEY: r.sandbox.apiKey };
    const limited = await runProcess(args, { cwd: r.dir, env, shellPrefix: `ulimit -f ${blocks};` });
    return { r, limited, resume: () => runProcess(args, { cwd: r.dir, env }) };
  }

  it("the journal fills up mid-run: stops before the next target write; after freeing space the rerun resumes to the exact state", async (ctx) => {
    if (skip) ctx.skip(skip);
    // 128 blocks (64 KiB with dash's 512-byte blocks): room for the new journal and a few writes.
    const { r, limited, resume } = await applyUnderLimit(128);
    expect(limited.code, limited.stderr).toBe(1);
    expect(limited.stderr).toMatch(/cannot write the journal .*: SQLITE_(IOERR|FULL)/);
    expect(limited.stderr).toContain("The run stopped before its next write to the target");
    const sent = writesOf(r.sandbox);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(20);
    const resumed = await resume();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
  }, 60_000);

  it("no room to create the journal: exit 1 with a clear message, nothing written, no half-made journal left", async (ctx) => {
    if (skip) ctx.skip(skip);
    const { r, limited, resume } = await applyUnderLimit(24);
    expect(limited.code, limited.stderr).toBe(1);
    expect(limited.stderr).toContain(`cannot create the journal ${r.journal}`);
    expect(limited.stderr).not.toMatch(/bug in plexodus/);
    expect(writesOf(r.sandbox)).toBe(0);
    expect(existsSync(r.journal)).toBe(false);
    const resumed = await resume();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(endState(r.sandbox.dump())).toEqual(await cleanEndState());
  }, 60_000);
});
