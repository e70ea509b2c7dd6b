import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { BIN, ensureBuilt, ROOT } from "../helpers/dist.js";

/**
 * Issue 14, start: `--version` and `--help` load commander, the option table and the command
 * registrations, nothing a command runs with. The compiled CLI runs with module hooks
 * (start-register.mjs) that list every module it loads; a static import of the sandbox, ajv,
 * better-sqlite3, axios, zod or a pipeline on the start path shows up here. How fast the start
 * is, is measured in `npm run bench` (bench/goals/start.goal.ts), never in a test.
 */

/** What may load before a command runs; anything else on the start path fails the test. */
const START_PACKAGES = ["commander"];
const START_SOURCES = [
  /^src\/cli\//,
  /^src\/config\/options\.js$/,
  /^src\/errors\.js$/,
  /^src\/paths\.js$/,
  // The sandbox's version table (it imports nothing): demo and sandbox list versions in help.
  /^src\/sandbox\/personality\.js$/,
];
/** The examples of what only the commands that use it may load (never --help). */
const HEAVY = [
  "better-sqlite3",
  "axios",
  "ajv",
  "ajv-formats",
  "p-queue",
  "cli-progress",
  "zod",
  "yaml",
  "luxon",
];

/** Registers the module hooks (start-hooks.mjs) and lists require() loads too. */
const REGISTER = pathToFileURL(join(import.meta.dirname, "start-register.mjs")).href;

let skipReason: string | null = null;
let dir: string;
let runs = 0;

beforeAll(() => {
  const reason = ensureBuilt();
  if (reason) skipReason = `${reason}; start cases skipped`;
  dir = mkdtempSync(join(tmpdir(), "plexodus-start-"));
}, 180_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Packages under node_modules, by name. */
  packages: Set<string>;
  /** Our own modules, as paths under dist/ ("src/cli/program.js"). */
  sources: string[];
}

/** Runs the compiled CLI with the hooks and returns what it loaded. */
function load(args: string[]): Loaded {
  const log = join(dir, `loaded-${++runs}.txt`);
  const result = spawnSync(process.execPath, ["--import", REGISTER, BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH, PLEXODUS_LOADED_MODULES: log },
    timeout: 60_000,
  });
  // A module imported from several places is resolved (and listed) once per import.
  const urls = new Set(readFileSync(log, "utf8").trim().split("\n"));
  const root = pathToFileURL(ROOT).href;
  const packages = new Set<string>();
  const sources: string[] = [];
  for (const url of urls) {
    if (!url.startsWith(`${root}/`)) continue;
    const path = url.slice(root.length + 1);
    const inPackage = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (inPackage) packages.add(inPackage[1]!);
    else if (path.startsWith("dist/")) sources.push(path.slice("dist/".length));
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, packages, sources };
}

function outsideStart(loaded: Loaded): string[] {
  return [
    ...[...loaded.packages].filter((name) => !START_PACKAGES.includes(name)),
    ...loaded.sources.filter((path) => !START_SOURCES.some((allowed) => allowed.test(path))),
  ];
}

const START_ARGS = [
  ["--version"],
  ["-V"],
  ["--help"],
  ["help"],
  ...["inspect", "plan", "apply", "migrate", "rehearse", "verify", "rollback", "demo", "sandbox"].map((c) => [
    c,
    "--help",
  ]),
];

describe("the start path loads only commander, the option table and the registrations (issue 14)", () => {
  it.each(START_ARGS.map((args) => [args.join(" "), args]))("plexodus %s", (_, args) => {
    if (skipReason) return expect(skipReason).toBeTruthy();
    const loaded = load(args as string[]);
    expect(loaded.code, loaded.stderr).toBe(0);
    // The hooks saw the CLI itself: an empty list would pass anything.
    expect(loaded.sources).toContain("src/cli/program.js");
    expect(loaded.packages).toContain("commander");
    expect([...loaded.packages].filter((name) => HEAVY.includes(name))).toEqual([]);
    expect(outsideStart(loaded)).toEqual([]);
  });

  it("the process prints the same help as the help kept word for word", () => {
    if (skipReason) return expect(skipReason).toBeTruthy();
    const loaded = load(["--help"]);
    expect(loaded.stdout).toBe(readFileSync(join(import.meta.dirname, "start-help/plexodus.txt"), "utf8"));
    expect(load(["--version"]).stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version,
    );
  });
});

describe("commands load what they use when they run (issue 14)", () => {
  it("inspect loads the reader, and neither the sandbox, its OpenAPI extracts nor ajv", () => {
    if (skipReason) return expect(skipReason).toBeTruthy();
    const loaded = load(["inspect", "--plex-db", join(dir, "missing.db")]);
    expect(loaded.code, loaded.stderr).toBe(5);
    expect(loaded.sources).toContain("src/pipeline/inspect.js");
    expect(loaded.packages).toContain("better-sqlite3");
    expect(loaded.sources.filter((path) => path.startsWith("src/sandbox/"))).toEqual([
      "src/sandbox/personality.js",
    ]);
    expect([...loaded.packages].filter((name) => name.startsWith("ajv"))).toEqual([]);
  });

  it("inspect of a database alone reads it without the HTTP client, yaml, luxon or the progress bars", () => {
    if (skipReason) return expect(skipReason).toBeTruthy();
    const db = join(dir, "sample.db");
    writeSampleDatabase(db);
    const loaded = load(["inspect", "--json", "--plex-db", db]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(JSON.parse(loaded.stdout)).toMatchObject({ source: { kind: "plex-db" } });
    expect(loaded.packages).toContain("better-sqlite3");
    // axios comes with the Plex API and Tautulli readers, yaml with a YAML config file, luxon
    // with local-time text dates, cli-progress with bars on a terminal (stderr is a pipe here).
    const lazy = ["axios", "yaml", "luxon", "cli-progress"];
    expect([...loaded.packages].filter((name) => lazy.includes(name))).toEqual([]);
    expect(
      loaded.sources.filter((path) =>
        /^src\/(readers\/(plex-api|tautulli)\/|http\/(client|send)\.js)/.test(path),
      ),
    ).toEqual([]);
  });

  it("a database with local-time text dates loads luxon to read them", () => {
    if (skipReason) return expect(skipReason).toBeTruthy();
    const db = join(dir, "legacy.db");
    writeSampleDatabase(db, { variant: "legacy", timeZone: "Europe/Berlin" });
    const loaded = load(["inspect", "--json", "--plex-db", db, "--plex-timezone", "Europe/Berlin"]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.packages).toContain("luxon");
  });

  it("a YAML config file loads the YAML parser, and only then", () => {
    if (skipReason) return expect(skipReason).toBeTruthy();
    const config = join(dir, "plexodus.yaml");
    writeFileSync(config, `plex-db: ${join(dir, "missing.db")}\n`);
    const loaded = load(["inspect", "--config", config]);
    // The database named in the file is missing: the file was read.
    expect(loaded.code, loaded.stderr).toBe(5);
    expect(loaded.stderr).toContain("missing.db");
    expect(loaded.packages).toContain("yaml");
  });

  it("sandbox loads the sandbox when it starts one", () => {
    if (skipReason) return expect(skipReason).toBeTruthy();
    const loaded = load(["sandbox", "--kind", "jellyfin", "--library", join(dir, "missing.json")]);
    expect(loaded.code, loaded.stderr).toBe(3);
    expect(loaded.sources).toContain("src/sandbox/index.js");
    expect(loaded.packages).toContain("ajv");
  });
});
