import { describe, expect, it } from "vitest";
import { ActionDigests, canonicalJson, digestPlan, sha256 } from "../../src/planner/digest.js";

describe("action digests", () => {
  it("give each action's full SHA-256 as hex, in plan order, and nothing outside the plan", () => {
    const actions = [
      { key: "a", n: 1 },
      { key: "b", n: [2, 3] },
      { n: 4, key: "c" },
    ];
    const digests = digestPlan({ version: 1, actions }).actions;
    expect(digests).toBeInstanceOf(ActionDigests);
    expect(digests.length).toBe(3);
    actions.forEach((action, i) => expect(digests.at(i)).toBe(sha256(canonicalJson(action))));
    expect(digests.at(3)).toBeUndefined();
    expect(digests.at(-1)).toBeUndefined();
    expect(digests.at(0.5)).toBeUndefined();
  });
});
