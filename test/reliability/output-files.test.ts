import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, sampleRig, writesOf } from "./harness.js";

/** Failure matrix, local files: a plan, journal or credentials file that cannot be written. */
describe("failure matrix: output files that cannot be written", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await sampleRig();
  });
  afterAll(async () => {
    await rig.cleanup();
  });
  const missing = () => join(rig.dir, "no-such-folder");

  it("plan --out into a missing folder: exit 3 naming the file, not 'a bug'", async () => {
    const out = join(missing(), "plan.json");
    const result = await rig.run("plan", "--out", out);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(`cannot write the plan to ${out}: ENOENT`);
    expect(result.stderr).not.toMatch(/bug in plexodus/);
  });

  it("--journal in a missing folder: stops before any write with 'cannot create the journal'", async () => {
    const journal = join(missing(), "run.journal");
    const result = await rig.run("migrate", "--journal", journal);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`cannot create the journal ${journal}`);
    expect(result.stderr).not.toMatch(/TypeError|bug in plexodus/);
    expect(writesOf(rig.sandbox)).toBe(0);
  });

  it("--credentials-file in a missing folder: no user is created without its saved password", async () => {
    const before = rig.sandbox.dump().users.map((u) => u.name);
    const result = await rig.run("migrate", "--credentials-file", join(missing(), "credentials.txt"));
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain("cannot write the credentials file");
    expect(rig.sandbox.dump().users.map((u) => u.name)).toEqual(before);
  });
});
