import { describe, expect, it } from "vitest";
import { applyDocument, renderApplyResult } from "../../../src/cli/render/apply.js";
import { applyPlan } from "../../../src/executor/apply.js";
import { actionCategories, CATEGORIES } from "../../../src/planner/index.js";
import { applyOptions, tempDir } from "../../executor/helpers.js";
import { scenario } from "../../executor/scenario.js";

/** The rows of the text table, by category, in the JSON document's shape. */
function textRows(text: string) {
  const lines = text.split("\n");
  const head = lines.findIndex((line) => line.startsWith("category"));
  expect(lines[head]!.split(/\s{2,}/)).toEqual([
    "category",
    "planned",
    "done",
    "conflicts",
    "failed",
    "skipped",
    "not started",
  ]);
  return Object.fromEntries(
    lines.slice(head + 1, head + 1 + CATEGORIES.length).map((line) => {
      const [category, planned, done, conflicts, failed, skipped, notStarted] = line.trim().split(/\s+/);
      return [
        category,
        Object.fromEntries(
          Object.entries({ planned, done, conflicts, failed, skipped, notStarted }).map(([k, v]) => [
            k,
            Number(v),
          ]),
        ),
      ];
    }),
  );
}

describe("the outcome of one interrupted run", () => {
  it("issue 13 item 4: text table and JSON categories agree and count only confirmed actions as done", async () => {
    const { fake, plan } = await scenario();
    const controller = new AbortController();
    fake.setFaults({ latencyMs: 3, afterWrite: (n) => n === 5 && controller.abort() });
    const result = await applyPlan(plan, fake, applyOptions(tempDir(), { signal: controller.signal }));
    expect(result.interrupted).toBe(true);
    expect(result.notStarted).toBeGreaterThan(0);

    const document = applyDocument(plan, result);
    expect(textRows(renderApplyResult(plan, result))).toEqual(document.categories);
    const rows = Object.values(document.categories);
    for (const row of rows) {
      expect(row.planned).toBe(row.done + row.conflicts + row.failed + row.skipped + row.notStarted);
    }
    // Every action this run confirmed is done, in each category it touches; no other is.
    const confirmed = plan.actions.filter((a) => !result.notStartedKeys.includes(a.key));
    expect(confirmed).toHaveLength(result.applied + result.alreadyDone);
    expect(rows.reduce((sum, row) => sum + row.notStarted, 0)).toBeGreaterThan(0);
    expect(document.notStarted).toBe(result.notStarted);
    // The table walks outcomes by place; each must be that action's own (as found by key).
    const done = Object.fromEntries(CATEGORIES.map((category) => [category, 0]));
    plan.actions.forEach((action, place) => {
      const kind = result.outcomes.get(action.key);
      expect(result.outcomes.at(place)).toBe(kind);
      if (kind === "applied" || kind === "already-done")
        for (const category of actionCategories(action)) done[category]! += 1;
    });
    for (const category of CATEGORIES) expect(document.categories[category].done).toBe(done[category]);
  });
});
