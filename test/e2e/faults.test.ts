import { describe, expect, it } from "vitest";
import { EXPECTED_MERGE } from "./expected.js";
import { endState, expectExit, expectNoViolations, TARGETS, world } from "./helpers.js";

describe.each(TARGETS)("transient failures on $kind $version", ({ kind, version }) => {
  it("20% of writes answered 503 + Retry-After: the run still completes with the exact end state", async () => {
    const w = await world({
      kind,
      version,
      faults: { seed: 42, error503Rate: 0.2, onlyWrites: true, retryAfterSeconds: 1 },
    });
    const result = await w.cli(["migrate", ...w.flags()]);
    expectExit(result, 0);
    const failed = w.box.requests.filter((r) => r.fault === "503");
    const writes = w.box.requests.filter((r) => r.write);
    // The faults did happen, at about the asked rate.
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length / writes.length).toBeLessThan(0.5);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    // Retries honoured Retry-After: no retry of a 503'd write came sooner than a second later.
    for (const fault of failed) {
      const retry = w.box.requests.find(
        (r) => r.at > fault.at && r.method === fault.method && r.path === fault.path && r.fault === undefined,
      );
      if (retry) expect(retry.at - fault.at).toBeGreaterThanOrEqual(950);
    }
    w.box.faults.clear();
    expectExit(await w.cli(["verify", ...w.readFlags()]), 0);
    expectNoViolations(w.box);
  }, 60_000);
});
