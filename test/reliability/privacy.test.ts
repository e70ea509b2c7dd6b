import { statSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSandbox } from "../../src/cli/commands/sandbox.js";
import { createContext } from "../../src/cli/context.js";
import type { Io } from "../../src/cli/io.js";
import { SAMPLE_SCENARIO } from "../../src/sample/index.js";
import { type PlexSandbox, startPlexSandbox } from "../../src/sandbox/plex/index.js";
import { type CliResult, run } from "../helpers/io.js";
import { filesUnder, type Rig, SENTINEL_API_KEY, SENTINEL_PLEX_TOKEN, sampleRig } from "./harness.js";

/**
 * Security and privacy (SEMANTICS §6–§7, CLI.md "Output"): every command runs with sentinel
 * secrets and with one library and one user excluded; then every output and every file the
 * runs left behind is scanned for the secrets, the passwords and the excluded names.
 */

const EXCLUDED_LIBRARY = "TV Shows";
const EXCLUDED_USER = "alex.friend";
const WRONG_KEY = "wrongSentinelKey+/=Pq77";

function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, "+"),
    Buffer.from(secret).toString("base64"),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Titles only the excluded library holds (a title shared with an included item proves nothing). */
function excludedTitles(): string[] {
  const section = SAMPLE_SCENARIO.sections.find((s) => s.name === EXCLUDED_LIBRARY)!;
  const inside = SAMPLE_SCENARIO.items.filter((i) => i.sectionId === section.id);
  const outside = new Set(
    SAMPLE_SCENARIO.items.filter((i) => i.sectionId !== section.id).map((i) => i.title),
  );
  // A user's own playlist may be named after a show ("Unwatched Breaking Bad"): that is the
  // user's title, not the excluded library's.
  const lists = [...SAMPLE_SCENARIO.playlists, ...SAMPLE_SCENARIO.collections].map((l) => l.title);
  return [...new Set(inside.map((i) => i.title))].filter(
    (t) => !outside.has(t) && t.length >= 4 && !lists.some((l) => l.includes(t)),
  );
}

describe("security and privacy across every command", () => {
  let rig: Rig;
  let plex: PlexSandbox;
  const outputs: { what: string; result: CliResult }[] = [];
  let files: { path: string; text: string }[] = [];

  beforeAll(async () => {
    rig = await sampleRig();
    plex = await startPlexSandbox({ databasePath: rig.plexDb, token: SENTINEL_PLEX_TOKEN });
    const env = { PLEXODUS_TARGET_API_KEY: SENTINEL_API_KEY, PLEXODUS_PLEX_TOKEN: SENTINEL_PLEX_TOKEN };
    const scope = ["--exclude-libraries", EXCLUDED_LIBRARY, "--exclude-users", EXCLUDED_USER];
    const source = ["--plex-db", rig.plexDb, "--plex-url", plex.url];
    const target = ["--target-url", rig.sandbox.url];
    const mapArgs = rig
      .args("plan")
      .flatMap((a, i, all) => (a === "--path-map" || a === "--user-map" ? [a, all[i + 1]!] : []));
    expect(mapArgs.length).toBeGreaterThan(0);
    const common = [
      ...source,
      ...target,
      ...mapArgs,
      ...scope,
      "--create-users",
      "--credentials-file",
      rig.credentials,
    ];
    const plan = join(rig.dir, "plan.json");
    const journal = join(rig.dir, "privacy.journal");
    const steps: [string, string[], Record<string, string>?][] = [
      ["inspect --json", ["inspect", "--json", "--plex-db", rig.plexDb]],
      ["inspect", ["inspect", "--plex-db", rig.plexDb]],
      ["plan --out", ["plan", "--out", plan, ...common]],
      ["plan --json", ["--json", "plan", ...common]],
      [
        "apply --json",
        [
          "--json",
          "apply",
          "--plan",
          plan,
          "--yes",
          "--journal",
          journal,
          "--credentials-file",
          rig.credentials,
        ],
      ],
      ["migrate (second run)", ["migrate", "--yes", "--journal", journal, ...common]],
      ["verify --json", ["--json", "verify", ...common]],
      ["verify", ["verify", ...common]],
      [
        "rollback --json",
        ["--json", "rollback", "--journal", journal, "--yes", "--include-users", ...target],
      ],
      [
        "plan with a refused key, --debug",
        ["--debug", "plan", ...common],
        { PLEXODUS_TARGET_API_KEY: WRONG_KEY },
      ],
      [
        "plan with a refused Plex token, --debug",
        ["--debug", "plan", ...common],
        { PLEXODUS_PLEX_TOKEN: WRONG_KEY },
      ],
      [
        "plan with the key as a flag",
        ["plan", ...common, "--target-api-key", SENTINEL_API_KEY, "--plex-token", SENTINEL_PLEX_TOKEN],
      ],
    ];
    for (const [what, args, extraEnv] of steps) {
      outputs.push({ what, result: await run(args, { cwd: rig.dir, env: { ...env, ...extraEnv } }) });
    }
    files = filesUnder(rig.dir).filter((f) => f.path !== rig.plexDb && !f.path.startsWith(`${rig.plexDb}-`));
  }, 120_000);

  afterAll(async () => {
    await plex?.stop();
    await rig?.cleanup();
  });

  it("every command ran with the expected exit code", () => {
    const codes = Object.fromEntries(outputs.map((o) => [o.what, o.result.code]));
    expect(codes).toEqual({
      "inspect --json": 0,
      inspect: 0,
      "plan --out": 0,
      "plan --json": 0,
      "apply --json": 0,
      "migrate (second run)": 0,
      "verify --json": 0,
      verify: 0,
      "rollback --json": 0,
      "plan with a refused key, --debug": 4,
      "plan with a refused Plex token, --debug": 4,
      "plan with the key as a flag": 0,
    });
  });

  it("no API key or Plex token, in any encoding, in any output or file (plan, journal, credentials, logs)", () => {
    const secrets = [SENTINEL_API_KEY, SENTINEL_PLEX_TOKEN, WRONG_KEY].flatMap(forms);
    for (const { what, result } of outputs) {
      for (const secret of secrets) {
        expect(result.stdout, `${what} stdout`).not.toContain(secret);
        expect(result.stderr, `${what} stderr`).not.toContain(secret);
      }
    }
    expect(files.map((f) => f.path.slice(rig.dir.length))).toEqual(
      expect.arrayContaining(["/plan.json", "/privacy.journal", "/credentials.txt"]),
    );
    for (const file of files)
      for (const secret of secrets) expect(file.text, file.path).not.toContain(secret);
  });

  it("created users' passwords are only in the 0600 credentials file", () => {
    expect(statSync(rig.credentials).mode & 0o777).toBe(0o600);
    const lines = files
      .find((f) => f.path === rig.credentials)!
      .text.trim()
      .split("\n");
    const passwords = lines.map((line) => line.split("\t")[1]!).filter((p) => p.length >= 16);
    expect(passwords.length).toBeGreaterThan(0);
    for (const { what, result } of outputs) {
      for (const password of passwords) expect(result.stdout + result.stderr, what).not.toContain(password);
    }
    for (const file of files.filter((f) => f.path !== rig.credentials)) {
      for (const password of passwords) expect(file.text, file.path).not.toContain(password);
    }
  });

  it("an excluded library's titles and an excluded user's name appear in no output or file", () => {
    const names = [EXCLUDED_USER, EXCLUDED_LIBRARY, ...excludedTitles()];
    expect(names.length).toBeGreaterThan(3);
    // inspect describes the whole source on purpose; it takes no scope options.
    for (const { what, result } of outputs.filter((o) => !o.what.startsWith("inspect"))) {
      for (const name of names) {
        expect(result.stdout, `${what} stdout`).not.toContain(name);
        expect(result.stderr, `${what} stderr`).not.toContain(name);
      }
    }
    for (const file of files) for (const name of names) expect(file.text, file.path).not.toContain(name);
  });
});

describe("security: the sandbox command with a given API key", () => {
  it("serves with the key but never prints it", async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let text = "";
    stdout.on("data", (chunk) => {
      text += chunk;
    });
    stderr.on("data", (chunk) => {
      text += chunk;
    });
    const io: Io = { stdout, stderr, env: {}, cwd: process.cwd(), stdinIsTTY: false, stderrIsTTY: false };
    const controller = new AbortController();
    const serving = serveSandbox(
      { kind: "jellyfin", apiKey: SENTINEL_API_KEY },
      createContext(io, {}),
      controller.signal,
    );
    while (!text.includes("\n")) await new Promise((resolve) => setTimeout(resolve, 10));
    const url = text.split("\n")[0]!;
    // The default personality (Jellyfin 12.0) reads the key only from the Authorization header.
    const answer = await fetch(`${url}/Users`, {
      headers: { Authorization: `MediaBrowser Client="test", Token="${SENTINEL_API_KEY}"` },
    });
    expect(answer.status).toBe(200);
    controller.abort();
    await serving;
    for (const secret of forms(SENTINEL_API_KEY)) expect(text).not.toContain(secret);
  });
});
