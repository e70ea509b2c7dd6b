import { afterEach, describe, expect, it } from "vitest";
import { makePlan } from "../../src/pipeline/plan.js";
import { QUIET } from "../helpers/interaction.js";
import { sampleRun } from "../helpers/sample-run.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe("makePlan", () => {
  it("streams a database into tables unless a report reads the rows, and plans the same either way", async () => {
    const { config } = await sampleRun(cleanups);
    const streamed = await makePlan(config, QUIET);
    const whole = await makePlan({ ...config, report: "report.html" }, QUIET);
    // Without a report nothing after the plan reads the source's rows: they never became objects.
    expect(streamed.snapshot.states).toEqual([]);
    expect(streamed.snapshot.history).toEqual([]);
    expect(whole.snapshot.states.length).toBeGreaterThan(0);
    expect(whole.snapshot.history.length).toBeGreaterThan(0);
    const { createdAt: _a, ...planned } = streamed.plan;
    const { createdAt: _b, ...again } = whole.plan;
    expect(planned.actions.length).toBeGreaterThan(0);
    expect(planned).toEqual(again);
  });
});
