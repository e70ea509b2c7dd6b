import { describe, expect, it } from "vitest";
import type { ItemMatch, MatchResult } from "../../src/match/types.js";
import { indexSnapshot } from "../../src/planner/context.js";
import { planMatching } from "../../src/planner/matching.js";
import { item, MOVIES, SHOWS, snapshot } from "./helpers.js";

/** Issue 13 item 8: the plan carries the match report as data (docs/matching.md). */

const show = item("20", { kind: "show", libraryId: SHOWS.id, title: "The Office", year: 2005 });
const episode = item("21", {
  kind: "episode",
  libraryId: SHOWS.id,
  title: "Pilot",
  grandparentKey: "20",
  seasonNumber: 1,
  episodeNumber: 1,
});
const heat = item("10", { title: "Heat", year: 1995 });
const ran = item("11", { title: "Ran", year: 1985 });
const lost = item("12", { title: "Lost", year: 1950 });

function match(itemKey: string, targetId: string, rule: ItemMatch["rule"], extra: Partial<ItemMatch> = {}) {
  return [
    itemKey,
    { itemKey, targetId, rule, weak: rule === "title-year", conflict: null, ...extra },
  ] as const;
}

describe("planMatching", () => {
  const snap = snapshot({ libraries: [MOVIES, SHOWS], items: [heat, ran, lost, show, episode] });
  const result: MatchResult = {
    matches: new Map([
      match("10", "T10", "external-id", { conflict: { rule: "path", targetId: "T99" } }),
      match("11", "T11", "title-year"),
      match("20", "T20", "title-year"),
      match("21", "T21", "episode", { weak: true }),
    ]),
    misses: new Map([["12", { itemKey: "12", reason: "no-candidate", detail: "-", candidateIds: [] }]]),
  };
  const targets = new Map([
    ["T11", { title: "Ran", year: 1985 }],
    ["T20", { title: "The Office (US)", year: null }],
  ]);
  const matching = planMatching(snap, indexSnapshot(snap, result), result, targets);

  it("counts items per rule; the rules add up to the matched items", () => {
    expect(matching).toMatchObject({
      items: 5,
      matched: 4,
      unmatched: 1,
      byRule: { "external-id": 1, episode: 1, path: 0, "title-year": 2 },
      weak: 3,
    });
  });

  it("lists every title + year match with both sides' titles, by library and title", () => {
    expect(matching.titleYear).toEqual([
      {
        itemKey: "11",
        title: "Ran (1985)",
        kind: "movie",
        library: "Movies",
        targetId: "T11",
        targetTitle: "Ran (1985)",
        conflict: null,
      },
      {
        itemKey: "20",
        title: "The Office (2005)",
        kind: "show",
        library: "TV Shows",
        targetId: "T20",
        targetTitle: "The Office (US)",
        conflict: null,
      },
    ]);
  });

  it("lists pairings other evidence contradicted, with where it pointed", () => {
    expect(matching.conflicts).toEqual([
      expect.objectContaining({
        itemKey: "10",
        title: "Heat (1995)",
        targetTitle: null,
        conflict: { rule: "path", targetId: "T99" },
      }),
    ]);
  });
});
