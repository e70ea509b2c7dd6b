import { describe, expect, it } from "vitest";
import { whatMoved } from "../../../../src/cli/render/report/index.js";
import type { ApplyResult } from "../../../../src/executor/index.js";
import type { Action, Plan } from "../../../../src/planner/index.js";
import { EMPTY } from "../../../executor/scenario.js";

const SAM = { name: "sam", id: null };

const actions: Action[] = [
  { key: "user/sam", type: "create-user", user: SAM, sourceUserId: "2" },
  {
    key: "watched:sam:i1",
    type: "set-user-data",
    user: SAM,
    itemId: "i1",
    title: "Alien (1979)",
    sourceItemKeys: ["plex:1"],
    categories: ["watched"],
    before: EMPTY,
    set: { played: true, playCount: 2 },
  },
  { key: "collection/a", type: "create-collection", title: "A", sourceKey: "c1", itemIds: ["i1"] },
  { key: "collection/b", type: "create-collection", title: "B", sourceKey: "c2", itemIds: ["i1"] },
  {
    key: "collection/c+",
    type: "add-collection-members",
    title: "C",
    collectionId: "c9",
    sourceKey: "c3",
    itemIds: ["i1"],
  },
] as Action[];

const plan = { actions, unmatched: [] } as unknown as Plan;

function resultOf(kinds: string[]): ApplyResult {
  return {
    outcomes: { at: (place: number) => kinds[place], get: () => undefined },
  } as unknown as ApplyResult;
}

describe("whatMoved", () => {
  it("counts the users created and the collections made or extended that the target confirmed", () => {
    const text = whatMoved(plan, resultOf(["applied", "applied", "applied", "failed", "already-done"]));
    expect(text).toContain("  sam: 1 item marked played (2 plays added)");
    expect(text).toContain("  users created: sam (passwords in a 0600 credentials file)");
    expect(text).toContain("  collections created or extended: 2");
  });

  it("before an apply, counts what is planned; a user whose creation failed is not said to be created", () => {
    expect(whatMoved(plan)).toContain("  collections created or extended: 3");
    const text = whatMoved(plan, resultOf(["failed", "skipped", "not-started", "applied", "applied"]));
    expect(text).not.toContain("users created");
    expect(text).toContain("  collections created or extended: 2");
    expect(text).toContain("not moved: 1 failed, 1 skipped");
  });
});
