import { describe, expect, it } from "vitest";
import { rehearsalDocument, rehearsalSucceeded, renderRehearsal } from "../../../src/cli/render/rehearse.js";
import { runExitCode } from "../../../src/cli/report.js";
import { applyPlan } from "../../../src/executor/apply.js";
import type { ApplyResult } from "../../../src/executor/index.js";
import type { Rehearsal } from "../../../src/pipeline/rehearse.js";
import type { Plan } from "../../../src/planner/index.js";
import { applyOptions, tempDir } from "../../executor/helpers.js";
import { scenario } from "../../executor/scenario.js";

/** A rehearsal whose run in the copy ended as `result`, nothing else wrong. */
function rehearsalOf(plan: Plan, result: ApplyResult, info: Rehearsal["target"]): Rehearsal {
  return {
    target: info,
    sandbox: { kind: info.kind, version: "10.11" },
    reads: 12,
    counts: {
      users: 2,
      libraries: 1,
      items: 12,
      itemsWithUserData: 1,
      playlists: 1,
      collections: 1,
      outsideItems: 0,
    },
    plan,
    result,
    drift: [],
    mismatches: [],
    outcome: { people: [], collections: [] },
    real: null,
  };
}

describe("the rehearsal's verdict counts the run in the copy as apply counts its own", () => {
  it("a clean run in the copy succeeds, as apply would exit 0", async () => {
    const { fake, plan } = await scenario();
    const result = await applyPlan(plan, fake, applyOptions(tempDir()));
    expect(runExitCode(result)).toBe(0);
    const rehearsal = rehearsalOf(plan, result, fake.info);
    expect(rehearsalSucceeded(rehearsal)).toBe(true);
    expect(rehearsalDocument(rehearsal).succeeded).toBe(true);
    // (The executor's scenario plan names no Plex account: the verdict then says nothing was compared.)
    expect(renderRehearsal(rehearsal)).not.toContain("Something would go wrong");
  });

  it("an interrupted run leaving changes not started is no success, and the verdict says how many", async () => {
    const { fake, plan } = await scenario();
    const controller = new AbortController();
    fake.setFaults({ latencyMs: 3, afterWrite: (n) => n === 5 && controller.abort() });
    const result = await applyPlan(plan, fake, applyOptions(tempDir(), { signal: controller.signal }));
    expect(result.notStarted).toBeGreaterThan(0);
    expect(runExitCode(result)).toBe(1);

    const rehearsal = rehearsalOf(plan, result, fake.info);
    expect(rehearsalSucceeded(rehearsal)).toBe(false);
    const document = rehearsalDocument(rehearsal);
    expect(document.succeeded).toBe(false);
    const notStarted = Object.values(document.categories!).reduce((sum, row) => sum + row.notStarted, 0);
    expect(notStarted).toBeGreaterThan(0);
    const changes = result.notStarted === 1 ? "1 change was" : `${result.notStarted} changes were`;
    expect(renderRehearsal(rehearsal)).toContain(
      `Something would go wrong: the rehearsal was interrupted; ${changes} not started (listed above).`,
    );
  });

  it("a change left not started fails the rehearsal even when nothing reports an interruption", async () => {
    const { fake, plan } = await scenario();
    const clean = await applyPlan(plan, fake, applyOptions(tempDir()));
    const left = { ...clean, notStarted: 1, notStartedKeys: [plan.actions[0]!.key] };
    expect(runExitCode(left)).toBe(1);
    const rehearsal = rehearsalOf(plan, left, fake.info);
    expect(rehearsalSucceeded(rehearsal)).toBe(false);
    expect(renderRehearsal(rehearsal)).toContain("Something would go wrong: 1 change was not started");
  });
});
