import { describe, expect, it } from "vitest";
import { renderPlan } from "../../../src/cli/render/plan.js";
import { summarizePlan } from "../../../src/planner/index.js";
import { mappedByName, matches, plan, server, snapshot, targetState, watch } from "../../planner/helpers.js";
import { alice, matrix, richPlan } from "./rich-plan.js";

describe("renderPlan", () => {
  const text = renderPlan(richPlan());

  it("shows user-data changes grouped by user and category with before → after values", () => {
    expect(text).toContain("\nalice\n  watched (1)\n");
    expect(text).toContain(
      "    ~ The Matrix (1999)  played: no → yes, plays: 0 → 3, last played: — → 2024-05-01\n",
    );
    expect(text).toContain("  progress (1)\n    ~ Alien (1979)  position: 0:00:00 → 0:42:10\n");
    expect(text).toContain("  ratings (1)\n    ~ Alien (1979)  rating: — → 8\n");
  });

  it("shows playlists, collections, unmatched items, skipped things and the totals line", () => {
    expect(text).toContain("  playlists (1)\n    + Sci-fi  (2 entries)\n");
    expect(text).toContain("Collections (1)\n  + Classics  (1 member)\n");
    expect(text).toContain(
      "Unmatched (1)\n  ? Lost Film (1950)  [Movies, movie] no-candidate: no target item with imdb tt0000012\n",
    );
    expect(text).toMatch(/Skipped \(2\)\n {2}- users: bob {2}unmapped: no target user named bob\n/);
    expect(text).toContain("duplicate-entries");
    expect(text).toContain("  ! bob  not migrated (unmapped)");
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "Plan: 4 changes (users 0, watched 1, progress 1, ratings 1, playlists 1, collections 1)",
    );
  });

  it("truncates long lists with a pointer to --json", () => {
    const long = renderPlan(richPlan({ items: 30 }), { limit: 5 });
    expect(long).toContain("  watched (31)\n");
    expect(long).toContain("    … and 26 more (--full lists all, or see --json)\n");
    const full = renderPlan(richPlan({ items: 30 }), { limit: Number.POSITIVE_INFINITY });
    expect(full).not.toContain("more (");
    expect(full).toContain("Extra 29");
  });

  it("says so when there is nothing to change, and lists limitations", () => {
    const p = plan({
      snapshot: snapshot({
        items: [matrix],
        states: [watch("1", matrix.identity, { played: true, playCount: 1 })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice]),
      server: { ...server({ userDataWrite: false }), version: "10.8.13" },
    });
    const out = renderPlan(p);
    expect(out).toContain("No changes");
    expect(out).toContain("Limitations\n  ! jellyfin 10.8.13 has no absolute user-data write");
    expect(out).toContain("Plan: 0 changes");
  });
});

describe("summarizePlan", () => {
  it("counts actions per category, entries added, skips, unmatched and users", () => {
    expect(summarizePlan(richPlan())).toEqual({
      version: 1,
      changes: 4,
      planned: { users: 0, watched: 1, progress: 1, ratings: 1, playlists: 1, collections: 1 },
      entries: { playlists: 2, collections: 1 },
      skipped: { users: 1, watched: 0, progress: 0, ratings: 0, playlists: 1, collections: 0 },
      unmatched: { total: 1, byReason: { "no-candidate": 1 } },
      users: { mapped: 1, created: 0, unmapped: 1 },
      limitations: 0,
    });
  });
});
