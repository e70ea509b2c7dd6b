import { describe, expect, it } from "vitest";
import { matchItems } from "../../src/match/items.js";
import { renderMatchReport } from "../../src/match/report.js";
import { summarizeMatches } from "../../src/match/summary.js";
import { item, PLEX_LIBRARIES, TARGET_LIBRARIES, target } from "./build.js";

const items = [
  item("1", { title: "Heat", year: 1995, externalIds: { imdb: "tt0113277" }, filePaths: ["/m/b.mkv"] }),
  item("2", { title: "Dune", year: 2021 }),
  item("3", { title: "Halloween", year: 2018 }),
  item("4", { title: "Ran", year: 1985 }),
  item("100", { kind: "show", libraryId: "2", title: "The Wire", externalIds: { tvdb: "79126" } }),
  item("102", {
    kind: "episode",
    libraryId: "2",
    title: "The Target",
    grandparentKey: "100",
    seasonNumber: 1,
    episodeNumber: 1,
  }),
];
const targets = [
  target("A", { externalIds: { imdb: "tt0113277" } }),
  target("B", { paths: ["/m/b.mkv"] }),
  target("C", { title: "Dune", year: 2021 }),
  target("H1", { title: "Halloween", year: 2018 }),
  target("H2", { title: "Halloween", year: 2018 }),
];
const result = matchItems({
  items,
  libraries: PLEX_LIBRARIES,
  target: { libraries: TARGET_LIBRARIES, items: targets },
  pathMap: [],
  libraryMap: [],
});

describe("summarizeMatches", () => {
  it("counts per rule, per reason, weak matches and conflicts", () => {
    const summary = summarizeMatches(result, items);
    expect(summary).toMatchObject({
      total: 6,
      matched: 2,
      missed: 4,
      byRule: { "external-id": 1, episode: 0, path: 0, "title-year": 1 },
      byReason: { "no-candidate": 3, ambiguous: 1, "id-conflict": 0, "type-mismatch": 0 },
      weak: 1,
      conflicts: 1,
    });
    expect(summary.byKind).toEqual({
      movie: { matched: 2, missed: 2 },
      show: { missed: 1, matched: 0 },
      episode: { matched: 0, missed: 1 },
    });
  });
});

describe("renderMatchReport", () => {
  const text = renderMatchReport(result, items);

  it("lists every miss with its title and reason", () => {
    expect(text).toContain("Matched 2 of 6 items (4 not matched).");
    expect(text).toMatch(/movie Halloween \(2018\): ambiguous — 2 target movies fit equally/);
    expect(text).toMatch(/movie Ran \(1985\): no-candidate — /);
    expect(text).toMatch(/episode The Wire – S01E01 – The Target: no-candidate — /);
  });

  it("lists weak matches and conflicts", () => {
    expect(text).toContain("movie Dune (2021) → target C by title and year");
    expect(text).toContain("movie Heat (1995) → target A by external ids; its file path points to target B");
  });

  it("limits long lists and says how many were left out", () => {
    const short = renderMatchReport(result, items, { limit: 1 });
    expect(short).toContain("… and 3 more");
  });
});
