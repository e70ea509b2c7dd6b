import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { flagName, OPTIONS, type OptionSpec } from "../../src/config/options.js";
import * as v from "../../src/config/values.js";
import { run } from "../helpers/io.js";
import { type Rig, SENTINEL_API_KEY, sampleRig } from "./harness.js";

/**
 * Failure matrix, configuration: every option of the one option table gets a bad value through
 * each way it can be given (flag, environment, config file); each run exits 3, names the
 * option and where the value came from, echoes no secret, and reads or writes nothing.
 */

/** The table, typed as plain specs (the literal tuple type knows no optional fields). */
const SPECS: readonly OptionSpec[] = OPTIONS;

const BAD = new Map<unknown, string>([
  [v.filePath, "   "],
  [v.secret, "   "],
  [v.httpUrl, "ftp://example.invalid/"],
  [v.timeZone, "Mars/Olympus_Mons"],
  [v.flag, "maybe"],
  [v.concurrency, "0"],
  [v.timeoutSeconds, "-5"],
  [v.retryPasses, "-1"],
  [v.retryTimeSeconds, "soon"],
  [v.ratingThreshold, "11"],
  [v.nameList, " , "],
  [v.kindList, "users,teleports"],
  [v.mappingList, "no-equals-sign"],
  [v.targetKind, "plex"],
  [v.mode, "copy"],
]);

function badValue(spec: OptionSpec): string {
  const value = BAD.get(v.VALUE_SCHEMAS[spec.schema]);
  if (value === undefined) throw new Error(`no bad value known for option ${spec.key}: add one`);
  return value;
}

const isFlag = (spec: OptionSpec) => spec.schema === "flag";
const commandFor = (spec: OptionSpec) => (spec.key === "detailedExitcode" ? "plan" : "migrate");

let rig: Rig;
beforeAll(async () => {
  rig = await sampleRig();
});
beforeEach(() => {
  rig.sandbox.requests.length = 0;
});
afterAll(async () => {
  await rig.cleanup();
});

/** A blank environment variable counts as unset (so `FOO=` in a compose file is harmless). */
const blankMeansUnset = (spec: OptionSpec) => badValue(spec).trim() === "";

function expectRefused(
  result: { code: number; stdout: string; stderr: string },
  spec: OptionSpec,
  source: string | RegExp,
) {
  expect(result.code, result.stderr).toBe(3);
  expect(result.stderr).toContain(`invalid value for ${spec.key}`);
  if (typeof source === "string") expect(result.stderr).toContain(source);
  else expect(result.stderr).toMatch(source);
  expect(result.stderr).not.toMatch(/bug in plexodus/);
  if (spec.secret) expect(result.stderr).not.toContain(`got "${badValue(spec)}"`);
  // Nothing was read from the target, let alone written.
  expect(rig.sandbox.requests).toEqual([]);
}

describe("failure matrix: invalid configuration values (exit 3, naming the key)", () => {
  it("knows a bad value for every option in the table", () => {
    for (const spec of SPECS) expect(() => badValue(spec)).not.toThrow();
  });

  it.each(SPECS.filter((o) => !isFlag(o)).map((o) => [o.key, o] as const))(
    "%s through its flag",
    async (_key, spec) => {
      const result = await run([...rig.args(commandFor(spec)), flagName(spec), badValue(spec)], {
        cwd: rig.dir,
      });
      expectRefused(result, spec, `flag ${flagName(spec)}`);
    },
  );

  it.each(
    SPECS.filter((o) => "env" in o && o.env && !blankMeansUnset(o)).map((o) => [o.env as string, o] as const),
  )("%s through the environment", async (env, spec) => {
    const result = await run([commandFor(spec)], { cwd: rig.dir, env: { [env]: badValue(spec) } });
    expectRefused(result, spec, `environment variable ${env}`);
  });

  it.each(SPECS.map((o) => [o.key, o] as const))("%s through a config file", async (key, spec) => {
    const file = join(rig.dir, `bad-${key}.json`);
    writeFileSync(file, JSON.stringify({ [key]: spec.repeatable ? [badValue(spec)] : badValue(spec) }));
    const result = await run([commandFor(spec), "--config", file], { cwd: rig.dir });
    expectRefused(result, spec, `config file ${file}`);
  });

  it.each(
    SPECS.filter((o) => "env" in o && o.env && blankMeansUnset(o)).map((o) => [o.env as string, o] as const),
  )("%s blank counts as unset, not as a bad value", async (env, spec) => {
    const result = await run([commandFor(spec)], { cwd: rig.dir, env: { [env]: "   " } });
    // Still exit 3 (nothing is configured), but for a missing option, never for this one.
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).not.toContain(`invalid value for ${spec.key}`);
    expect(rig.sandbox.requests).toEqual([]);
  });

  it.each([
    ["invalid YAML", "bad.yaml", "mode: [unclosed\n", /is not valid YAML/],
    ["not a mapping", "list.json", "[1, 2]", /must hold a mapping of option names to values/],
    ["an unknown key", "unknown.yaml", "plexodus_unknown: 1\n", /unknown key "plexodus_unknown"/],
    ["missing", null, "", /cannot read config file .*ENOENT/],
  ] as const)("a config file that is %s: exit 3 with the reason", async (_what, name, text, reason) => {
    const file = join(rig.dir, name ?? "does-not-exist.yaml");
    if (name !== null) writeFileSync(file, text);
    const result = await run(["plan", "--config", file], { cwd: rig.dir });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(reason);
    expect(rig.sandbox.requests).toEqual([]);
  });

  it("a secret given badly is never echoed back, even when it is not blank", async () => {
    const result = await run(["migrate", "--target-url", "not a url", "--target-api-key", SENTINEL_API_KEY], {
      cwd: rig.dir,
    });
    expect(result.code).toBe(3);
    expect(result.stderr + result.stdout).not.toContain(SENTINEL_API_KEY);
  });
});
