import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executePlan } from "../../src/pipeline/apply.js";
import { planFileText } from "../../src/pipeline/plan-text.js";
import { preparePlan } from "../../src/pipeline/prepare.js";
import { connectConfiguredTarget } from "../../src/pipeline/target.js";
import { planDigests } from "../../src/planner/digest.js";
import { isPacked } from "../../src/planner/packed.js";
import { SILENT_PROGRESS } from "../../src/progress.js";
import { QUIET } from "../helpers/interaction.js";
import { sampleRun } from "../helpers/sample-run.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const text = (plan: Parameters<typeof planFileText>[0]) => {
  let out = "";
  planFileText(plan, planDigests(plan), (piece) => {
    out += piece;
  });
  return out;
};

describe("a plan with its user-data actions packed", () => {
  it("is the same plan, byte for byte in its file, and applies to the same end", async () => {
    const { config, dir } = await sampleRun(cleanups);
    const target = await connectConfiguredTarget(config, QUIET);
    const now = new Date("2024-06-01T00:00:00Z");
    let packed: Awaited<ReturnType<typeof preparePlan>>;
    let plain: Awaited<ReturnType<typeof preparePlan>>;
    try {
      packed = await preparePlan(config, target, SILENT_PROGRESS, now, undefined, { packFrom: 0 });
      plain = await preparePlan(config, target, SILENT_PROGRESS, now);
    } finally {
      target.close();
    }
    expect(isPacked(packed.plan.actions)).toBe(true);
    expect(isPacked(plain.plan.actions)).toBe(false);
    expect(packed.plan.actions.filter((a) => a.type === "set-user-data").length).toBeGreaterThan(10);
    expect(packed.plan).toEqual(plain.plan);
    expect(text(packed.plan)).toBe(text(plain.plan));

    const result = await executePlan(
      packed.plan,
      { ...config, journal: join(dir, "packed.journal") },
      QUIET,
      dir,
    );
    expect(result).toMatchObject({ failed: 0, conflicted: 0, applied: packed.plan.actions.length });
    // A correct apply leaves nothing to plan.
    const again = await connectConfiguredTarget(config, QUIET);
    try {
      const after = await preparePlan(config, again, SILENT_PROGRESS, now, undefined, { packFrom: 0 });
      expect(after.plan.actions).toEqual([]);
    } finally {
      again.close();
    }
  });
});
