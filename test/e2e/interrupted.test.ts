import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { type Action, actionCategories, CATEGORIES, type Category } from "../../src/planner/index.js";
import type { CliResult } from "../helpers/io.js";
import { EXPECTED_MERGE } from "./expected.js";
import { endState, expectExit, expectNoViolations, type World, world } from "./helpers.js";

/**
 * Issue 13 items 4 and 5: after Ctrl-C the outcome counts only what was confirmed, says per
 * category what was not started (text and JSON alike), and the rerun says what the journal
 * already holds before it applies the rest.
 */

const WRITES_BEFORE_CTRL_C = 4;

type Row = {
  planned: number;
  done: number;
  conflicts: number;
  failed: number;
  skipped: number;
  notStarted: number;
};

/** A saved plan, and `apply` of it with writes slow enough to press Ctrl-C after the fourth. */
async function slowApply(w: World) {
  const planFile = join(w.dir, "plan.json");
  expectExit(await w.cli(["plan", "--out", planFile, ...w.readFlags()]), 0);
  const actions = (JSON.parse(readFileSync(planFile, "utf8")) as { actions: Action[] }).actions;
  const args = [
    "apply",
    "--plan",
    planFile,
    "--journal",
    w.journal,
    "--credentials-file",
    w.credentials,
    "--concurrency",
    "1",
  ];
  return { actions, args };
}

/** Runs the CLI in-process and presses Ctrl-C once the target received `writes` writes. */
async function interrupted(w: World, args: string[], writes: number): Promise<CliResult> {
  w.box.faults.set({ latencyMs: 100, onlyWrites: true });
  const running = w.cli(args);
  let finished = false;
  void running.then(() => {
    finished = true;
  });
  while (w.box.requests.filter((r) => r.write).length < writes) {
    if (finished) throw new Error(`the run ended before it could be interrupted:\n${(await running).stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  process.emit("SIGINT", "SIGINT");
  const result = await running;
  w.box.faults.clear();
  return result;
}

/** The per-category table the journal's truth gives: confirmed actions are done, the rest not started. */
function truth(w: World, actions: Action[]): Record<Category, Row> {
  const db = new Database(w.journal, { readonly: true });
  const done = new Set(
    (db.prepare("SELECT key FROM actions WHERE status = 'done'").all() as { key: string }[]).map(
      (r) => r.key,
    ),
  );
  db.close();
  expect(done.size).toBe(WRITES_BEFORE_CTRL_C);
  const table = Object.fromEntries(
    CATEGORIES.map((c) => [c, { planned: 0, done: 0, conflicts: 0, failed: 0, skipped: 0, notStarted: 0 }]),
  ) as Record<Category, Row>;
  for (const action of actions) {
    for (const category of actionCategories(action)) {
      table[category].planned += 1;
      table[category][done.has(action.key) ? "done" : "notStarted"] += 1;
    }
  }
  return table;
}

/** The category table of the text output. */
function textTable(stdout: string): Record<string, Row> {
  const lines = stdout.split("\n");
  const head = lines.findIndex((line) =>
    /^category\s+planned\s+done\s+conflicts\s+failed\s+skipped\s+not started$/.test(line),
  );
  expect(head, stdout).toBeGreaterThanOrEqual(0);
  return Object.fromEntries(
    lines.slice(head + 1, head + 1 + CATEGORIES.length).map((line) => {
      const [category, ...numbers] = line.trim().split(/\s+/);
      const [planned, done, conflicts, failed, skipped, notStarted] = numbers.map(Number) as number[];
      return [category, { planned, done, conflicts, failed, skipped, notStarted }];
    }),
  );
}

describe("an interrupted apply on jellyfin 10.11", () => {
  it("issue 13 items 4 and 5, text: counts only what was confirmed, shows not started; the rerun announces the resume", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const { actions, args } = await slowApply(w);
    const stopped = await interrupted(w, args, WRITES_BEFORE_CTRL_C);
    expectExit(stopped, 1);
    const expected = truth(w, actions);
    console.log(stopped.stdout, stopped.stderr);
    expect(textTable(stopped.stdout)).toEqual(expected);
    const notStarted = actions.length - WRITES_BEFORE_CTRL_C;
    expect(stopped.stdout).toContain(
      `Applied ${WRITES_BEFORE_CTRL_C}, already in place 0, conflicts 0, failed 0, skipped 0, not started ${notStarted}`,
    );
    expect(stopped.stdout).toContain("Interrupted: run the same command again to finish");

    const rerun = await w.cli(args);
    console.log(rerun.stdout);
    expectExit(rerun, 0);
    const line = `Resuming: the journal ${w.journal} already holds ${WRITES_BEFORE_CTRL_C} of this plan's ${actions.length} actions as done; ${notStarted} remain`;
    // Said before the outcome of the run.
    expect(rerun.stdout.indexOf(line)).toBeGreaterThanOrEqual(0);
    expect(rerun.stdout.indexOf(line)).toBeLessThan(rerun.stdout.indexOf("category"));
    expect(rerun.stdout).toContain(`Applied ${notStarted}, already in place ${WRITES_BEFORE_CTRL_C}`);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  }, 60_000);

  it("issue 13 items 4 and 5, --json: categories done and notStarted agree with the journal; the rerun has resume", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const { actions, args } = await slowApply(w);
    const stopped = await interrupted(w, ["--json", ...args], WRITES_BEFORE_CTRL_C);
    expectExit(stopped, 1);
    const document = JSON.parse(stopped.stdout);
    expect(document.categories).toEqual(truth(w, actions));
    const notStarted = actions.length - WRITES_BEFORE_CTRL_C;
    expect(document).toMatchObject({
      applied: WRITES_BEFORE_CTRL_C,
      notStarted,
      interrupted: true,
      resume: null,
    });

    const rerun = await w.cli(["--json", ...args]);
    expectExit(rerun, 0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      resume: { done: WRITES_BEFORE_CTRL_C, remaining: notStarted },
      applied: notStarted,
      alreadyDone: WRITES_BEFORE_CTRL_C,
    });
    // The person still hears of it, on stderr: stdout stays one JSON document.
    expect(rerun.stderr).toContain(
      `already holds ${WRITES_BEFORE_CTRL_C} of this plan's ${actions.length} actions as done`,
    );
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  }, 60_000);
});
