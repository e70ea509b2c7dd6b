import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import { EXPECTED_MERGE } from "./expected.js";
import {
  endState,
  expectExit,
  expectNoViolations,
  richLibrary,
  TARGETS,
  world,
  writesSince,
} from "./helpers.js";

const CATEGORY_COUNTS = {
  users: expect.any(Number),
  watched: expect.any(Number),
  progress: expect.any(Number),
  ratings: expect.any(Number),
  playlists: expect.any(Number),
  collections: expect.any(Number),
};

describe.each(TARGETS)("plan files on $kind $version", ({ kind, version }) => {
  it("plan --out, then apply --plan with the URL from the plan and the key from the environment", async () => {
    const w = await world({ kind, version });
    const planFile = join(w.dir, "plan.json");
    const start = w.box.requests.length;
    const plan = await w.cli(["plan", "--out", planFile, ...w.readFlags()]);
    expectExit(plan, 0);
    expect(plan.stdout).toContain(`Plan saved to ${planFile}`);
    expect(writesSince(w.box, start)).toEqual([]);

    // No --target-url: the plan names its server. PLEXODUS_TARGET_API_KEY comes from w.cli.
    const apply = await w.cli([
      "apply",
      "--plan",
      planFile,
      "--journal",
      w.journal,
      "--credentials-file",
      w.credentials,
    ]);
    expectExit(apply, 0);
    expect(apply.stdout).toMatch(/Applied \d+, already in place 0, conflicts 0, failed 0/);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  });

  it("plan --json: one versioned document with per-category counts and unmatched items with reasons", async () => {
    const w = await world({ kind, version });
    const result = await w.cli(["plan", "--json", ...w.readFlags()]);
    expectExit(result, 0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      version: 1,
      command: "plan",
      planFile: null,
      summary: {
        version: 1,
        changes: document.plan.actions.length,
        planned: { ...CATEGORY_COUNTS, users: 2, playlists: 2, collections: 1 },
        skipped: CATEGORY_COUNTS,
        unmatched: { total: 1, byReason: { "no-candidate": 1 } },
        users: { mapped: 4, created: 2, unmapped: 0 },
      },
      plan: { version: 1, target: { kind, serverId: expect.any(String), url: w.box.url } },
    });
    // Only Jellyfin 10.9–10.10 cannot undo entries appended to an existing playlist.
    const entryRemoval = !(kind === "jellyfin" && ["10.9", "10.10"].includes(version));
    expect(document.limitations).toEqual(
      entryRemoval ? [] : [expect.stringMatching(/cannot undo the entries appended to 1 existing playlist/)],
    );
    expect(document.unmatched).toEqual([
      expect.objectContaining({
        title: "Birthday 2019 (2019)",
        library: "Movies",
        kind: "movie",
        reason: "no-candidate",
      }),
    ]);
    // Things left out carry a stable reason code.
    expect(document.skipped.map((s: { reason: string }) => s.reason).sort()).toEqual([
      "duplicate-entries",
      "smart-membership-unknown",
    ]);
    expectNoViolations(w.box);
  });

  it("migrate --dry-run prints the plan and writes nothing", async () => {
    const w = await world({ kind, version });
    const before = w.box.dump();
    const text = await w.cli(["migrate", "--dry-run", ...w.flags()]);
    expectExit(text, 0);
    expect(text.stdout).toMatch(/Plan: \d+ changes/);
    const json = await w.cli(["migrate", "--dry-run", "--json", ...w.flags()]);
    expectExit(json, 0);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, command: "migrate", dryRun: true });
    expect(writesSince(w.box)).toEqual([]);
    expect(w.box.dump()).toEqual(before);
    expectNoViolations(w.box);
  });

  it("a plan made for another server is refused and nothing is written there", async () => {
    const w = await world({ kind, version });
    const planFile = join(w.dir, "plan.json");
    expectExit(await w.cli(["plan", "--out", planFile, ...w.readFlags()]), 0);
    const other = await startSandbox({
      kind,
      version,
      library: { ...richLibrary(), serverName: "Another server" },
      apiKey: w.box.apiKey,
      validate: true,
    });
    try {
      const result = await w.cli([
        "apply",
        "--plan",
        planFile,
        "--target-url",
        other.url,
        "--journal",
        w.journal,
      ]);
      expectExit(result, 3);
      expect(result.stderr).toContain("the plan was made for target server");
      expect(writesSince(other)).toEqual([]);
      expect(other.violations).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it("a corrupted or hand-edited plan file exits 3 with a clear message before anything is written", async () => {
    const w = await world({ kind, version });
    const planFile = join(w.dir, "plan.json");
    expectExit(await w.cli(["plan", "--out", planFile, ...w.readFlags()]), 0);
    const text = readFileSync(planFile, "utf8");
    const start = w.box.requests.length;

    writeFileSync(planFile, text.slice(0, text.length / 2));
    const truncated = await w.cli(["apply", "--plan", planFile, "--journal", w.journal]);
    expectExit(truncated, 3);
    expect(truncated.stderr).toContain(`plan file ${planFile} is not JSON`);

    const edited = JSON.parse(text);
    edited.actions[0].type = "delete-everything";
    writeFileSync(planFile, JSON.stringify(edited));
    const invalid = await w.cli(["apply", "--plan", planFile, "--journal", w.journal]);
    expectExit(invalid, 3);
    expect(invalid.stderr).toContain(`plan file ${planFile} is not a valid plan: actions.0`);

    writeFileSync(planFile, JSON.stringify({ ...JSON.parse(text), version: 2 }));
    const future = await w.cli(["apply", "--plan", planFile, "--journal", w.journal]);
    expectExit(future, 3);
    expect(future.stderr).toContain("has format version 2");

    const missing = await w.cli(["apply", "--plan", join(w.dir, "nope.json")]);
    expectExit(missing, 3);
    expect(missing.stderr).toContain("cannot read plan file");
    expect(writesSince(w.box, start)).toEqual([]);
    expectNoViolations(w.box);
  });
});
