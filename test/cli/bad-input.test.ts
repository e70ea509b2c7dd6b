import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Option } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { sampleTargetLibrary } from "../../src/sample/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { programTree, run } from "../helpers/io.js";

/**
 * Issue 13 item 11: no user input ever ends in "unexpected error … This is a bug". Every
 * option of every command — read from the commander program itself, so an option added
 * tomorrow is covered without touching this file — gets each bad value below, in-process,
 * against no server (a closed port). Each run must end as bad usage (3), an unreachable server
 * (4) or an unreadable source (5), with a message, never as a bug.
 */

let dir: string;
/**
 * Where each run starts: deeper than the "../" chain below climbs, so a relative path given to
 * an option that writes (--log, --report, --summary-md) stays inside the test's folder.
 */
let cwd: string;
/** A port nothing listens on. */
let closedUrl: string;
/** A port something else holds (for `sandbox --port`). */
let busyPort: number;
let releaseBusy: () => Promise<void>;
/** A valid saved plan whose target is the closed port. */
let planFile: string;
let plexDb: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "plexodus-bad-input-"));
  cwd = join(dir, "a", "b", "c", "d", "e", "f", "g");
  mkdirSync(cwd, { recursive: true });
  plexDb = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(plexDb);
  // A real plan, made against a sandbox that is then stopped: apply meets a closed port.
  const box = await startSandbox({
    kind: "jellyfin",
    library: sampleTargetLibrary(),
    apiKey: "key-0123456789",
  });
  planFile = join(dir, "plan.json");
  const planned = await run(
    ["plan", "--plex-db", plexDb, "--target-url", box.url, "--target-api-key", box.apiKey, "--out", planFile],
    { cwd: dir },
  );
  await box.stop();
  expect(planned.code, planned.stderr).toBe(0);
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyPort = (busy.address() as { port: number }).port;
  releaseBusy = () => new Promise((resolve) => busy.close(() => resolve()));
  // Apply meets the plan's stopped sandbox; the other commands a port freed for them.
  closedUrl = `http://127.0.0.1:${await freePort()}`;
}, 60_000);

afterAll(async () => {
  await releaseBusy?.();
  rmSync(dir, { recursive: true, force: true });
});

/** What a person might type by mistake, for any option. */
function badValues(): string[] {
  return [
    "",
    " ",
    "-1",
    "0",
    "abc",
    "999999999999",
    "1e309",
    "NaN",
    "/nonexistent/plexodus-missing.file",
    dir,
    join(dir, "plan.json"),
    "ftp://example.invalid/",
    "http://",
    "http://[bad",
    "a=b=c",
    "=",
    "nul\u0000byte",
    "../../../../../../etc/passwd",
  ];
}

/** Flags that make each command get as far as it can without any server answering. */
function baseline(command: string): string[] {
  const target = ["--target-url", closedUrl, "--target-api-key", "some-key-0123"];
  switch (command) {
    case "inspect":
      return ["--plex-url", closedUrl, "--plex-token", "some-token"];
    case "plan":
    case "verify":
    case "migrate":
      return ["--plex-db", plexDb, ...target];
    case "apply":
      return ["--plan", planFile, ...target];
    case "rollback":
      return ["--journal", join(dir, "missing.journal"), ...target];
    case "sandbox":
      return ["--kind", "jellyfin", "--port", String(busyPort)];
    default:
      return [];
  }
}

const takesValue = (option: Option) => option.required || option.optional;

/** File names a report may be written under, in the run's folder (`demo --report abc` runs). */
const FILE_NAMES = ["-1", "0", "abc", "999999999999", "1e309", "NaN", "http://", "a=b=c", "="];

/**
 * Values in the list above that are right for one option: `sandbox --port 0` would serve, and
 * the demo, which needs no server, writes its report under any plain file name (and appends
 * its summary to any file, as to CI's).
 */
const ACCEPTED: Readonly<Record<string, readonly string[]>> = {
  "sandbox --port": ["0"],
  "demo --report": FILE_NAMES,
  "demo --summary-md": [...FILE_NAMES, "<plan.json>"],
};

/** Every way to give `option` a bad value on the command line. */
function attempts(option: Option): string[][] {
  const flag = option.long ?? option.short!;
  if (takesValue(option)) return badValues().map((value) => [flag, value]);
  // A flag given a value: as a stray word, and glued on with "=".
  return badValues().flatMap((value) => [[flag, value], [`${flag}=${value}`]]);
}

describe("bad values for every option of every command (issue 13 item 11)", () => {
  const root = programTree();
  const rootOptions = root.options.filter((o) => !["--help", "--version"].includes(o.long ?? ""));
  const commands = root.commands.filter((c) => c.name() !== "help");

  it("finds the commands and their options in the program", () => {
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining([
        "inspect",
        "plan",
        "apply",
        "migrate",
        "verify",
        "rollback",
        "demo",
        "sandbox",
      ]),
    );
    expect(commands.find((c) => c.name() === "plan")!.options.length).toBeGreaterThan(20);
  });

  it.each(commands.map((c) => [c.name(), c] as const))(
    "%s: never 'This is a bug', always a documented exit code",
    async (name, command) => {
      const options = [...command.options, ...rootOptions].filter(
        (o) => !["--help", "--version"].includes(o.long ?? "") || name === "sandbox",
      );
      const problems: string[] = [];
      for (const option of options) {
        const accepted = ACCEPTED[`${name} ${option.long}`] ?? [];
        for (const attempt of attempts(option)) {
          if (accepted.includes(attempt[1] === planFile ? "<plan.json>" : attempt[1]!)) continue;
          // Alone (what is checked first), then after flags that get the command as far as
          // it can go without a server.
          for (const args of [
            [name, ...attempt],
            [name, ...baseline(name), ...attempt],
          ]) {
            const result = await run(args, { cwd });
            const bug = /bug in plexodus|unexpected error/.test(result.stderr);
            if (bug || ![3, 4, 5].includes(result.code)) {
              problems.push(`${JSON.stringify(args)} → exit ${result.code}: ${result.stderr.split("\n")[0]}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    },
    180_000,
  );
});
