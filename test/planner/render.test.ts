import { describe, expect, it } from "vitest";
import { findDrift, renderDrift } from "../../src/planner/drift.js";
import type { Plan } from "../../src/planner/plan.js";
import { renderPlan } from "../../src/planner/render.js";
import { summarizePlan } from "../../src/planner/summary.js";
import {
  data,
  item,
  mappedByName,
  matches,
  plan,
  server,
  snapshot,
  targetState,
  user,
  watch,
} from "./helpers.js";

const alice = user("1", "alice");
const matrix = item("10", { title: "The Matrix", year: 1999 });
const alien = item("11", { title: "Alien", year: 1979 });
const lost = item("12", { title: "Lost Film", year: 1950 });

function richPlan(extra: { limit?: number; items?: number } = {}): Plan {
  const extraItems = Array.from({ length: extra.items ?? 0 }, (_, i) =>
    item(String(100 + i), { title: `Extra ${i}` }),
  );
  return plan({
    snapshot: snapshot({
      users: [alice, user("2", "bob")],
      items: [matrix, alien, lost, ...extraItems],
      states: [
        watch("1", matrix.identity, {
          played: true,
          playCount: 3,
          lastPlayedAt: new Date("2024-05-01T00:00:00Z"),
        }),
        watch("1", alien.identity, { positionMs: 2_530_000, rating: 8 }),
        watch("1", lost.identity, { played: true, playCount: 1 }),
        ...extraItems.map((it) => watch("1", it.identity, { played: true, playCount: 1 })),
      ],
      playlists: [
        {
          key: "p",
          ownerUserId: "1",
          title: "Sci-fi",
          mediaKind: "video",
          isSmart: false,
          entries: ["10", "11", "10"],
        },
      ],
      collections: [{ key: "c", libraryId: "1", title: "Classics", isSmart: false, memberKeys: ["11"] }],
    }),
    users: {
      mapped: [{ sourceUserId: "1", targetName: "alice", targetUserId: "t1", rule: "name" }],
      unmapped: [{ sourceUserId: "2", reason: "unmapped", detail: "no target user named bob" }],
    },
    matches: matches(
      Object.fromEntries([["10", "T10"], ["11", "T11"], ...extraItems.map((it) => [it.key, `T${it.key}`])]),
      [["12", "no-candidate", "no target item with imdb tt0000012"]],
    ),
    state: targetState([alice]),
  });
}

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
    expect(long).toContain("    … and 26 more (see --json)\n");
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
});
