import { describe, expect, it } from "vitest";
import { renderDrift, renderVerify, verifyDocument } from "../../../src/cli/render/drift.js";
import { findDrift } from "../../../src/planner/index.js";
import { data, mappedByName, matches, plan, snapshot, targetState, watch } from "../../planner/helpers.js";
import { alice, matrix, richPlan } from "./rich-plan.js";

describe("drift", () => {
  it("every action of a rebuilt plan is drift, listed with what the target holds and what is expected", () => {
    const p = plan({
      snapshot: snapshot({
        items: [matrix],
        states: [watch("1", matrix.identity, { played: true, playCount: 3 })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice], {
        userData: new Map([["t1", new Map([["T10", data({ played: true, playCount: 1 })]])]]),
      }),
    });
    const drift = findDrift(p);
    expect(drift).toEqual([
      expect.objectContaining({
        kind: "user-data",
        user: "alice",
        title: "The Matrix (1999)",
        fields: [{ field: "playCount", actual: 1, expected: 3 }],
      }),
    ]);
    expect(renderDrift(drift)).toBe("Drift (1)\n  alice  The Matrix (1999)  plays: 1 ≠ expected 3\n");
  });

  it("no drift renders as such; playlists and collections say what is missing", () => {
    expect(renderDrift([])).toMatch(/^No drift/);
    const text = renderDrift(findDrift(richPlan()));
    expect(text).toContain("alice  Sci-fi  playlist missing (2 entries expected)");
    expect(text).toContain("(collections)  Classics  collection missing (1 member expected)");
  });

  it("says 'No drift' only of what was compared, then what was not (issue 13 item 6)", () => {
    const p = { ...richPlan(), actions: [] };
    const lines = renderVerify(p, []);
    expect(lines[0]).toBe(
      "No drift in what was compared: the target holds what the migration should have produced.",
    );
    expect(lines).toContain(
      "  1 Plex account with no target user: bob (unmapped) — give verify the migration's --user-map (and --create-users)",
    );
    expect(verifyDocument(p, []).summary.compared).toEqual({
      users: { compared: 1, notCompared: 1 },
      items: { matched: 2, unmatched: 1 },
      notComparedUsers: [{ name: "bob", reason: "unmapped" }],
    });
    const complete = {
      ...p,
      users: p.users.filter((u) => u.targetName !== null),
      unmatched: [],
      matching: { ...p.matching!, matched: 3, unmatched: 0 },
    };
    expect(renderVerify(complete, [])).toEqual([
      "No drift: the target holds everything the migration should have produced.",
      "Compared: 1 of 1 Plex account, 3 of 3 Plex items.",
    ]);
  });
});
