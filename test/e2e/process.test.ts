import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, ensureBuilt } from "../helpers/dist.js";
import { EXPECTED_MERGE } from "./expected.js";
import { endState, expectExit, expectNoViolations, TARGETS, type World, world } from "./helpers.js";

/** Process-level cases (kill -9, SIGTERM) run the compiled CLI (test/helpers/dist.ts). */
let skipReason: string | null = null;

beforeAll(() => {
  const reason = ensureBuilt();
  if (reason) skipReason = `${reason}; process-level e2e cases skipped`;
}, 180_000);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Child {
  process: ChildProcess;
  exit: Promise<Exit>;
}

function spawnCli(w: World, args: string[]): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: w.dir,
    env: { PATH: process.env.PATH ?? "", PLEXODUS_TARGET_API_KEY: w.box.apiKey },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<Exit>((done) => {
    child.on("exit", (code, signal) => done({ code, signal, stdout, stderr }));
  });
  return { process: child, exit };
}

async function untilWrites(w: World, count: number, child: Child): Promise<void> {
  let exited: Exit | null = null;
  void child.exit.then((exit) => {
    exited = exit;
  });
  while (w.box.requests.filter((r) => r.write).length < count) {
    if (exited) {
      const { code, stdout, stderr } = exited as Exit;
      throw new Error(`the run ended (exit ${code}) before it could be interrupted\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A saved plan on a sandbox whose writes are slow enough to interrupt mid-run. */
async function slowWorld(kind: (typeof TARGETS)[number]["kind"], version: string) {
  const w = await world({ kind, version });
  const planFile = join(w.dir, "plan.json");
  expectExit(await w.cli(["plan", "--out", planFile, ...w.readFlags()]), 0);
  const plan = JSON.parse(readFileSync(planFile, "utf8"));
  w.box.faults.set({ latencyMs: 80, onlyWrites: true });
  const applyArgs = [
    "apply",
    "--plan",
    planFile,
    "--journal",
    w.journal,
    "--credentials-file",
    w.credentials,
    "--concurrency",
    "2",
  ];
  return { w, applyArgs, actions: plan.actions.length as number };
}

function creations(w: World): string[] {
  return w.box.requests
    .filter((r) => r.method === "POST" && /^\/(emby\/)?(Users\/New|Playlists|Collections)\/?$/i.test(r.path))
    .filter((r) => r.status >= 200 && r.status < 300)
    .map((r) => r.path);
}

describe.each(TARGETS)("the executable on $kind $version", ({ kind, version }) => {
  it("kill -9 mid-apply, then the same apply again: the uninterrupted end state, nothing applied twice", async (t) => {
    if (skipReason) t.skip(skipReason);
    const { w, applyArgs, actions } = await slowWorld(kind, version);
    const child = spawnCli(w, applyArgs);
    await untilWrites(w, 6, child);
    child.process.kill("SIGKILL");
    const killed = await child.exit;
    expect(killed.signal).toBe("SIGKILL");
    const writtenBeforeKill = w.box.requests.filter((r) => r.write).length;
    expect(writtenBeforeKill).toBeLessThan(actions);

    w.box.faults.clear();
    const rerun = await w.cli(applyArgs);
    expectExit(rerun, 0);
    expect(rerun.stdout).toMatch(/conflicts 0, failed 0/);
    // Same state as an uninterrupted run: no count inflated, no duplicate user or playlist.
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expect(creations(w).filter((p) => /Users\/New/i.test(p))).toHaveLength(2);
    expect(creations(w).filter((p) => /Playlists/i.test(p))).toHaveLength(1);
    expect(creations(w).filter((p) => /Collections/i.test(p))).toHaveLength(0);
    const names = readFileSync(w.credentials, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("\t")[0]);
    expect(new Set(names)).toEqual(new Set(["Kids", "account-23456789"]));
    // And a third run finds nothing left to do.
    const start = w.box.requests.length;
    expectExit(await w.cli(applyArgs), 0);
    expect(w.box.requests.slice(start).filter((r) => r.write)).toEqual([]);
    expectNoViolations(w.box);
  }, 60_000);

  it("SIGTERM mid-apply finishes the requests in flight, exits 1 saying so; a rerun completes", async (t) => {
    if (skipReason) t.skip(skipReason);
    const { w, applyArgs } = await slowWorld(kind, version);
    const child = spawnCli(w, applyArgs);
    await untilWrites(w, 6, child);
    child.process.kill("SIGTERM");
    const stopped = await child.exit;
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain("Interrupted: run the same command again to finish");
    // Every request it sent was answered before it exited: nothing was cut off.
    expect(w.box.requests.filter((r) => r.status === 0)).toEqual([]);

    w.box.faults.clear();
    expectExit(await w.cli(applyArgs), 0);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  }, 60_000);
});
