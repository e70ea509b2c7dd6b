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
    // Item 15 of issue 13: the parts of the totals line add up; categories are said apart.
    expect(text.trimEnd().split("\n").slice(-2)).toEqual([
      "Plan: 4 changes (users 0, user data 2, playlists 1, collections 1)",
      "  The 2 user-data writes touch watched 1, progress 1, ratings 1 (one write can touch several).",
    ]);
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

describe("renderPlan: what was compared, how items were paired (issue 13 items 6, 8, 9)", () => {
  const base = richPlan();

  it("says what was compared and what was not, under the plan", () => {
    expect(renderPlan(base)).toContain(
      "Compared: 1 of 2 Plex accounts, 2 of 3 Plex items.\n" +
        "Not compared:\n" +
        "  1 Plex account with no target user: bob (unmapped) — see Users\n" +
        "  1 Plex item with no target item (1 with history, playlists or collections; see Unmatched)\n",
    );
  });

  it("says 'No changes' only of what was compared", () => {
    const empty = { ...base, actions: [] };
    const text = renderPlan(empty);
    expect(text).toContain(
      "No changes in what was compared: the target already holds what the migration wants.",
    );
    expect(text).not.toContain("No changes: the target already holds");
    const none = renderPlan({ ...empty, matching: { ...empty.matching!, matched: 0, unmatched: 3 } });
    expect(none).toContain("Nothing was compared: none of the 3 Plex items has a target item.");
    expect(none).not.toContain("No changes");
    const nobody = renderPlan({
      ...empty,
      users: empty.users.map((u) => ({
        ...u,
        targetName: null,
        targetUserId: null,
        rule: "unmapped" as const,
      })),
    });
    expect(nobody).toContain("Nothing was compared: no Plex account has a target user.");
  });

  it("counts matches per rule and lists weak and conflicting pairings, capped", () => {
    const weak = (n: number) => ({
      itemKey: String(n),
      title: `Film ${n} (2001)`,
      kind: "movie",
      library: "Movies",
      targetId: `T${n}`,
      targetTitle: `Film ${n} (2001)`,
      conflict: null,
    });
    const text = renderPlan(
      {
        ...base,
        matching: {
          items: 10,
          matched: 9,
          unmatched: 1,
          byRule: { "external-id": 2, episode: 1, path: 2, "title-year": 4 },
          weak: 6,
          titleYear: [1, 2, 3, 4].map(weak),
          conflicts: [{ ...weak(5), conflict: { rule: "path", targetId: "T9" } }],
        },
      },
      { limit: 3 },
    );
    expect(text).toContain(
      "Matching: 9 of 10 Plex items paired with a target item (external ids 2, season and episode 1, file path 2, title + year 4)",
    );
    expect(text).toContain(
      'Weak matches: title + year only, check these (4)\n  ≈ Film 1 (2001)  [Movies, movie] → "Film 1 (2001)" (target T1)\n',
    );
    expect(text).toContain(
      "  … and 1 more (--full lists all, or see --json)\n  2 more items (episodes, seasons, albums, tracks)",
    );
    expect(text).toContain(
      'Conflicting evidence: the first rule won, check these (1)\n  ! Film 5 (2001)  [Movies, movie] → "Film 5 (2001)" (target T5); its file path points to target T9',
    );
  });

  it("names the zone local-time dates were read in, only when there were such dates", () => {
    expect(renderPlan(base)).not.toContain("Dates:");
    const text = renderPlan({
      ...base,
      source: { ...base.source, localTimeZone: { zone: "Europe/Berlin", dates: 1 } },
    });
    expect(text).toContain(
      "Dates: 1 date in the Plex database is local time without a zone; read as Europe/Berlin time.\n" +
        "  If the Plex server's clock was set to another zone, pass --plex-timezone ZONE (or set PLEXODUS_PLEX_TIMEZONE).",
    );
  });
});

describe("summarizePlan", () => {
  it("counts actions per category, entries added, skips, unmatched and users", () => {
    expect(summarizePlan(richPlan())).toEqual({
      version: 1,
      changes: 4,
      byKind: { users: 0, userData: 2, playlists: 1, collections: 1 },
      planned: { users: 0, watched: 1, progress: 1, ratings: 1, playlists: 1, collections: 1 },
      entries: { playlists: 2, collections: 1 },
      skipped: { users: 1, watched: 0, progress: 0, ratings: 0, playlists: 1, collections: 0 },
      unmatched: { total: 1, byReason: { "no-candidate": 1 } },
      users: { mapped: 1, created: 0, unmapped: 1 },
      matching: {
        byRule: { "external-id": 2, episode: 0, path: 0, "title-year": 0 },
        weak: 0,
        titleYear: 0,
        conflicts: 0,
      },
      compared: {
        users: { compared: 1, notCompared: 1 },
        items: { matched: 2, unmatched: 1 },
        notComparedUsers: [{ name: "bob", reason: "unmapped" }],
      },
      limitations: 0,
    });
  });
});
