import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOW_CURSOR, WRAP_ON } from "../../src/cli/terminal.js";
import { ensureBuilt } from "../helpers/dist.js";
import { plainText, replay } from "../helpers/screen.js";
import { ptyUnavailable, runOnPty, runOnTerminal } from "../helpers/tty.js";
import { expectExit, type World, world } from "./helpers.js";

/**
 * Issue 13 item 10: what a person at a terminal sees. Progress bars hide the cursor and turn
 * line wrap off; every way out must turn both back on. The pseudo-terminal cases run the
 * compiled CLI under util-linux `script`, typing Ctrl-C as a person would.
 */
const HIDE_CURSOR = "\x1b[?25l";
const WRAP_OFF = "\x1b[?7l";

let skipReason: string | null = null;
beforeAll(async () => {
  skipReason = (await ptyUnavailable()) ?? ensureBuilt();
}, 180_000);

/** Cursor and wrap were turned off at some point and are on again at the end. */
function expectRestored(output: string): void {
  expect(output).toContain(HIDE_CURSOR);
  expect(output.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(output.lastIndexOf(HIDE_CURSOR));
  expect(output).toContain(WRAP_OFF);
  expect(output.lastIndexOf(WRAP_ON)).toBeGreaterThan(output.lastIndexOf(WRAP_OFF));
  const screen = replay(output);
  expect(screen.cursorVisible).toBe(true);
  expect(screen.wrap).toBe(true);
}

/** A saved plan and a sandbox whose writes are slow enough to interrupt. */
async function slowApply(): Promise<{ w: World; args: string[] }> {
  const w = await world({ kind: "jellyfin", version: "10.11" });
  const plan = join(w.dir, "plan.json");
  expectExit(await w.cli(["plan", "--out", plan, ...w.readFlags()]), 0);
  w.box.faults.set({ latencyMs: 150, onlyWrites: true });
  const args = [
    "apply",
    "--plan",
    plan,
    "--yes",
    "--journal",
    w.journal,
    "--credentials-file",
    w.credentials,
  ];
  return { w, args: [...args, "--concurrency", "1"] };
}

async function untilWrites(w: World, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (w.box.requests.filter((r) => r.write).length < count) {
    if (Date.now() > deadline) throw new Error("no writes arrived");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the terminal after plexodus (issue 13 item 10)", () => {
  it("Ctrl-C twice mid-apply: leaves at once (exit 130) with the cursor shown and line wrap on", async (t) => {
    if (skipReason) t.skip(skipReason);
    const { w, args } = await slowApply();
    const pty = runOnPty(args, { cwd: w.dir, env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey } });
    try {
      await untilWrites(w, 2);
      await pty.waitFor(HIDE_CURSOR);
      pty.type("\x03");
      await pty.waitFor("Ctrl-C again to quit at once");
      pty.type("\x03");
      const { code, output } = await pty.exit;
      expect(code).toBe(130);
      expectRestored(output);
    } finally {
      pty.kill();
    }
  }, 60_000);

  it("Ctrl-C once while reading (no run of writes to finish): the process ends, the terminal is restored", async (t) => {
    if (skipReason) t.skip(skipReason);
    const w = await world({ kind: "jellyfin", version: "10.11" });
    w.box.faults.set({ latencyMs: 200 });
    const pty = runOnPty(["plan", ...w.readFlags()], {
      cwd: w.dir,
      env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey },
    });
    try {
      await pty.waitFor(HIDE_CURSOR);
      pty.type("\x03");
      const { code, output } = await pty.exit;
      // Ended by the signal itself, as an unhandled Ctrl-C ends a program.
      expect(code).not.toBe(0);
      expect(output).not.toContain("Plan:");
      expectRestored(output);
    } finally {
      pty.kill();
    }
  }, 60_000);

  it("Ctrl-C once mid-apply: requests in flight finish, the run says so, the terminal is restored", async (t) => {
    if (skipReason) t.skip(skipReason);
    const { w, args } = await slowApply();
    const pty = runOnPty(args, { cwd: w.dir, env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey } });
    try {
      await untilWrites(w, 2);
      await pty.waitFor(HIDE_CURSOR);
      pty.type("\x03");
      const { code, output } = await pty.exit;
      expect(code).toBe(1);
      expect(output).toContain("Interrupted: run the same command again to finish");
      expectRestored(output);
    } finally {
      pty.kill();
    }
  }, 60_000);

  it("an error after the bars were drawn: the message comes below them, the terminal is restored", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const run = await runOnTerminal(["plan", ...w.readFlags(["--library-map", "Nope=Films"])], {
      cwd: w.dir,
      env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey },
    });
    expect(run.code).toBe(3);
    expect(run.output).toContain(HIDE_CURSOR);
    const screen = replay(run.output);
    expect(screen.cursorVisible).toBe(true);
    expect(screen.wrap).toBe(true);
    const lines = screen.lines.filter((line) => line !== "");
    expect(lines.at(-2)).toMatch(
      /^plexodus: --library-map Nope=Films: the Plex source has no library "Nope"/,
    );
  }, 60_000);

  it("an uncaught error while bars are live: the process dies, the terminal is restored", async (t) => {
    if (skipReason) t.skip(skipReason);
    const { w, args } = await slowApply();
    const crash = join(w.dir, "crash.cjs");
    // Crashes the process from a timer (outside every try/catch) once the bars have hidden the cursor.
    writeFileSync(
      crash,
      [
        "const write = process.stderr.write.bind(process.stderr);",
        "let armed = false;",
        "process.stderr.write = (chunk, ...rest) => {",
        `  if (!armed && String(chunk).includes(${JSON.stringify(HIDE_CURSOR)})) {`,
        "    armed = true;",
        '    setTimeout(() => { throw new Error("injected crash"); }, 300);',
        "  }",
        "  return write(chunk, ...rest);",
        "};",
      ].join("\n"),
    );
    const pty = runOnPty(args, {
      cwd: w.dir,
      env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey },
      nodeArgs: ["--require", crash],
    });
    try {
      const { code, output } = await pty.exit;
      expect(code).toBe(1);
      expect(output).toContain("injected crash");
      expectRestored(output);
    } finally {
      pty.kill();
    }
  }, 60_000);
});

describe("rollback at a terminal (issue 13 item 10)", () => {
  it("asks how many changes of which kinds it will undo, reading the journal first", async (t) => {
    if (skipReason) t.skip(skipReason);
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const applied = await w.cli(["--json", "migrate", "--yes", ...w.flags()]);
    expectExit(applied, 0);
    const pty = runOnPty(["rollback", "--journal", w.journal, "--target-url", w.box.url], {
      cwd: w.dir,
      env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey },
    });
    try {
      await pty.waitFor("[y/N]");
      pty.type("n\r");
      const { code, output } = await pty.exit;
      expect(code).toBe(1);
      // The question as written, without the terminal's line breaks or escape sequences.
      const question = plainText(output);
      // 20 changes applied; the 2 created users stay without --include-users.
      expect(question).toContain(
        `Roll back 18 changes (user data 15, playlists 2, collections 1) recorded in ${w.journal} on ${w.box.url}? (2 created users stay; --include-users deletes them) [y/N]`,
      );
      expect(output).toContain("Nothing was rolled back.");
      // Declined: nothing was written.
      expect(w.box.requests.filter((r) => r.write && r.path.includes("Rollback"))).toEqual([]);
    } finally {
      pty.kill();
    }
  }, 60_000);

  it("prints its summary below the finished bar, which keeps its figures, never under it", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    expectExit(await w.cli(["migrate", "--yes", ...w.flags()]), 0);
    const run = await runOnTerminal(
      ["rollback", "--journal", w.journal, "--target-url", w.box.url, "--yes", "--include-users"],
      { cwd: w.dir, env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey } },
    );
    expect(run.code).toBe(0);
    const screen = replay(run.output);
    const lines = screen.lines.filter((line) => line !== "");
    const bar = lines.findIndex((line) => line.startsWith("rolling back"));
    expect(lines[bar]).toMatch(/^rolling back \[\u2588+\] 20\/20 \| \d+\/s \| done in \d/);
    // Then every restored value is read once more (15 user-data rows), and the summary.
    expect(lines[bar + 1]).toMatch(/^checking restored values \[\u2588+\] 15\/15 \| \d+\/s \| done in \d/);
    expect(lines[bar + 2]).toMatch(/^Restored 20, already restored 0, conflicts 0, failed 0 — \d+ writes in/);
    expect(screen.cursorVisible).toBe(true);
  }, 60_000);
});
