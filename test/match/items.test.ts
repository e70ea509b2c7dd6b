import { describe, expect, it } from "vitest";
import type { Mapping } from "../../src/config/values.js";
import { ConfigError } from "../../src/errors.js";
import { matchItems } from "../../src/match/items.js";
import type { Item, Library, TargetItem, TargetLibrary } from "../../src/model/index.js";
import type { ProgressTask } from "../../src/progress.js";
import { item, PLEX_LIBRARIES, TARGET_LIBRARIES, target } from "./build.js";

function match(
  items: Item[],
  targets: TargetItem[],
  options: {
    pathMap?: Mapping[];
    libraryMap?: Mapping[];
    libraries?: Library[];
    targetLibraries?: TargetLibrary[];
  } = {},
) {
  return matchItems({
    items,
    libraries: options.libraries ?? PLEX_LIBRARIES,
    target: { libraries: options.targetLibraries ?? TARGET_LIBRARIES, items: targets },
    pathMap: options.pathMap ?? [],
    libraryMap: options.libraryMap ?? [],
  });
}

describe("external ids", () => {
  it("pairs a new-agent movie by a shared id", () => {
    const result = match(
      [item("10", { externalIds: { imdb: "tt0111161", tmdb: "278", tvdb: "190" } })],
      [
        target("A", { externalIds: { imdb: "tt0111161" } }),
        target("B", { externalIds: { imdb: "tt0068646" } }),
      ],
    );
    expect(result.matches.get("10")).toEqual({
      itemKey: "10",
      targetId: "A",
      rule: "external-id",
      weak: false,
      conflict: null,
    });
    expect(result.misses.size).toBe(0);
  });

  it("pairs a legacy-agent movie whose only id is imdb against a target with more ids", () => {
    const result = match(
      [item("11", { externalIds: { imdb: "tt0111161" } })],
      [target("A", { externalIds: { imdb: "tt0111161", tmdb: "278" } })],
    );
    expect(result.matches.get("11")?.targetId).toBe("A");
  });

  it("compares provider keys and values case-insensitively", () => {
    const result = match(
      [item("12", { externalIds: { imdb: "tt0111161" } })],
      [target("A", { externalIds: { Imdb: "TT0111161" } })],
    );
    expect(result.matches.get("12")?.rule).toBe("external-id");
  });

  it("never pairs when a provider on both sides differs (same imdb, different tmdb)", () => {
    const result = match(
      [item("13", { title: "Heat", year: 1995, externalIds: { imdb: "tt0113277", tmdb: "949" } })],
      [target("A", { title: "Heat", year: 1995, externalIds: { imdb: "tt0113277", tmdb: "12345" } })],
    );
    expect(result.matches.size).toBe(0);
    const miss = result.misses.get("13");
    expect(miss?.reason).toBe("id-conflict");
    expect(miss?.candidateIds).toEqual(["A"]);
    expect(miss?.detail).toContain("tmdb 12345");
    expect(miss?.detail).toContain("tmdb 949");
  });

  it("never treats a target without ids as an id match", () => {
    const result = match([item("14", { externalIds: { imdb: "tt1" } })], [target("A")]);
    expect(result.misses.get("14")?.reason).toBe("no-candidate");
  });

  it("reports type-mismatch when the imdb id belongs to a target item of another kind", () => {
    const result = match(
      [item("15", { externalIds: { imdb: "tt0903747" } })],
      [
        target("S", {
          kind: "show",
          libraryId: "t",
          title: "Breaking Bad",
          externalIds: { imdb: "tt0903747" },
        }),
      ],
    );
    const miss = result.misses.get("15");
    expect(miss?.reason).toBe("type-mismatch");
    expect(miss?.candidateIds).toEqual(["S"]);
    expect(miss?.detail).toContain("show");
  });

  it("reports two id matches as ambiguous unless the path tells them apart", () => {
    const targets = [
      target("A", { externalIds: { imdb: "tt1" }, paths: ["/media/movies/x.mkv"] }),
      target("B", { libraryId: "m2", externalIds: { imdb: "tt1" }, paths: ["/media/4k/x.mkv"] }),
    ];
    const ambiguous = match([item("16", { externalIds: { imdb: "tt1" } })], targets);
    expect(ambiguous.misses.get("16")).toMatchObject({ reason: "ambiguous", candidateIds: ["A", "B"] });

    const byPath = match(
      [item("16", { externalIds: { imdb: "tt1" }, filePaths: ["/media/4k/x.mkv"] })],
      targets,
    );
    expect(byPath.matches.get("16")).toMatchObject({ targetId: "B", rule: "path" });
  });

  it("stays ambiguous when a later rule points outside the candidates the ids left", () => {
    const targets = [
      target("A", { externalIds: { imdb: "tt1" } }),
      target("B", { externalIds: { imdb: "tt1" } }),
      target("C", { paths: ["/media/movies/x.mkv"] }),
    ];
    const result = match(
      [item("17", { externalIds: { imdb: "tt1" }, filePaths: ["/media/movies/x.mkv"] })],
      targets,
    );
    expect(result.misses.get("17")).toMatchObject({ reason: "ambiguous", candidateIds: ["A", "B"] });
  });

  it("lets the id match win over a path pointing elsewhere and records the conflict", () => {
    const result = match(
      [item("18", { externalIds: { imdb: "tt1" }, filePaths: ["/media/movies/b.mkv"] })],
      [target("A", { externalIds: { imdb: "tt1" } }), target("B", { paths: ["/media/movies/b.mkv"] })],
    );
    expect(result.matches.get("18")).toMatchObject({
      targetId: "A",
      rule: "external-id",
      conflict: { rule: "path", targetId: "B" },
    });
  });
});

describe("title and year", () => {
  it("pairs a unique title + year as a weak match, ignoring accents, articles, case and punctuation", () => {
    const result = match(
      [
        item("20", { title: "L'Âge d'or", year: 1930 }),
        item("21", { title: "The Lord of the Rings!", year: 2001 }),
      ],
      [
        target("A", { title: "age d’Or", year: 1930 }),
        target("B", { title: "Lord of the Rings", year: 2001 }),
        target("C", { title: "Lord of the Rings", year: 1978 }),
      ],
    );
    expect(result.matches.get("20")).toMatchObject({ targetId: "A", rule: "title-year", weak: true });
    expect(result.matches.get("21")).toMatchObject({ targetId: "B", rule: "title-year", weak: true });
  });

  it("does not pair two candidates with the same title and year", () => {
    const result = match(
      [item("22", { title: "Halloween", year: 2018 })],
      [target("A", { title: "Halloween", year: 2018 }), target("B", { title: "halloween", year: 2018 })],
    );
    expect(result.matches.size).toBe(0);
    expect(result.misses.get("22")).toMatchObject({ reason: "ambiguous", candidateIds: ["A", "B"] });
    expect(result.misses.get("22")?.detail).toContain("title and year");
  });

  it("lists at most 25 candidates of a very common title and says there are more", () => {
    const clips = Array.from({ length: 40 }, (_, i) => target(`C${i}`, { title: "Clip", year: 2010 }));
    const miss = match([item("25", { title: "Clip", year: 2010 })], clips).misses.get("25");
    expect(miss?.reason).toBe("ambiguous");
    expect(miss?.candidateIds).toHaveLength(25);
    expect(miss?.detail).toContain("more than 25 target movies");
  });

  it("lets title + year choose among the candidates an earlier rule left", () => {
    const result = match(
      [item("26", { title: "Heat", year: 1995, externalIds: { imdb: "tt1" } })],
      [
        target("A", { title: "Heat", year: 1995, externalIds: { imdb: "tt1" } }),
        target("B", { title: "Heat (extended)", year: 1995, externalIds: { imdb: "tt1" } }),
        target("C", { title: "Heat", year: 1995 }),
      ],
    );
    expect(result.matches.get("26")).toMatchObject({ targetId: "A", rule: "title-year", weak: true });
  });

  it("needs a year on both sides, and equal years", () => {
    const result = match(
      [item("23", { title: "Dune", year: null }), item("24", { title: "Dune", year: 2021 })],
      [target("A", { title: "Dune", year: 1984 })],
    );
    expect(result.misses.get("23")?.detail).toContain("no year");
    expect(result.misses.get("24")?.reason).toBe("no-candidate");
  });
});

describe("episodes", () => {
  const show = item("100", {
    kind: "show",
    libraryId: "2",
    title: "The Wire",
    externalIds: { tvdb: "79126" },
  });
  const season = item("101", { kind: "season", libraryId: "2", parentKey: "100", seasonNumber: 1 });
  const episode = (key: string, number: number, fields: Partial<Item> = {}) =>
    item(key, {
      kind: "episode",
      libraryId: "2",
      parentKey: "101",
      grandparentKey: "100",
      seasonNumber: 1,
      episodeNumber: number,
      ...fields,
    });
  const targetShow = target("S", { kind: "show", libraryId: "t", externalIds: { tvdb: "79126" } });
  const targetSeason = target("S1", { kind: "season", libraryId: "t", showId: "S", seasonNumber: 1 });
  const targetEpisode = (id: string, number: number, fields: Partial<TargetItem> = {}) =>
    target(id, {
      kind: "episode",
      libraryId: "t",
      showId: "S",
      parentId: "S1",
      seasonNumber: 1,
      episodeNumber: number,
      ...fields,
    });

  it("finds episodes without ids through their matched show, and seasons by number", () => {
    const result = match(
      [episode("102", 2), season, show],
      [targetShow, targetSeason, targetEpisode("E1", 1), targetEpisode("E2", 2)],
    );
    expect(result.matches.get("100")?.rule).toBe("external-id");
    expect(result.matches.get("101")).toMatchObject({ targetId: "S1", rule: "episode" });
    expect(result.matches.get("102")).toMatchObject({ targetId: "E2", rule: "episode", weak: false });
  });

  it("pairs both episodes of a multi-episode file with the one target item", () => {
    const result = match(
      [show, season, episode("102", 1), episode("103", 2), episode("104", 3)],
      [targetShow, targetSeason, targetEpisode("E12", 1, { episodeNumberEnd: 2 }), targetEpisode("E3", 3)],
    );
    expect(result.matches.get("102")?.targetId).toBe("E12");
    expect(result.matches.get("103")?.targetId).toBe("E12");
    expect(result.matches.get("104")?.targetId).toBe("E3");
  });

  it("finds the show through legacy TheTVDB show ids when the show itself is not matched", () => {
    const unmatchedShow = { ...show, externalIds: {}, title: "Something Else" };
    const legacy = episode("102", 2, { showExternalIds: { tvdb: "79126" } });
    const result = match([unmatchedShow, legacy], [targetShow, targetEpisode("E2", 2)]);
    expect(result.misses.get("100")).toBeDefined();
    expect(result.matches.get("102")).toMatchObject({ targetId: "E2", rule: "episode" });
  });

  it("uses the episode's own ids first", () => {
    const result = match(
      [show, season, episode("102", 2, { externalIds: { imdb: "tt0749433" } })],
      [targetShow, targetSeason, targetEpisode("E2", 5, { externalIds: { imdb: "tt0749433" } })],
    );
    expect(result.matches.get("102")).toMatchObject({ targetId: "E2", rule: "external-id" });
  });

  it("marks episodes found through a weakly matched show as weak", () => {
    const weakShow = { ...show, externalIds: {}, year: 2002 };
    const result = match(
      [weakShow, episode("102", 2)],
      [{ ...targetShow, title: "Wire", year: 2002 }, targetEpisode("E2", 2)],
    );
    expect(result.matches.get("100")?.weak).toBe(true);
    expect(result.matches.get("102")).toMatchObject({ targetId: "E2", rule: "episode", weak: true });
  });

  it("compares episode titles only within the matched show", () => {
    const pilot = { title: "Pilot", year: 2008 };
    const otherShowPilot = target("X1", { kind: "episode", libraryId: "t", showId: "OTHER", ...pilot });
    const orphan = episode("102", 1, { ...pilot, grandparentKey: "999", parentKey: null });
    const result = match([orphan], [otherShowPilot]);
    expect(result.misses.get("102")).toMatchObject({ reason: "no-candidate" });
    expect(result.misses.get("102")?.detail).toContain("show is not matched");

    const renumbered = match([show, episode("103", 9, pilot)], [targetShow, targetEpisode("E1", 1, pilot)]);
    expect(renumbered.matches.get("103")).toMatchObject({ targetId: "E1", rule: "title-year", weak: true });
  });

  it("records a path that points to another episode than the show position", () => {
    const result = match(
      [show, season, episode("102", 2, { filePaths: ["/media/tv/wire/s01e03.mkv"] })],
      [
        targetShow,
        targetSeason,
        targetEpisode("E2", 2),
        targetEpisode("E3", 3, { paths: ["/media/tv/wire/s01e03.mkv"] }),
      ],
    );
    expect(result.matches.get("102")).toMatchObject({
      targetId: "E2",
      conflict: { rule: "path", targetId: "E3" },
    });
  });
});

describe("file paths", () => {
  it("rewrites Windows paths with --path-map and compares them", () => {
    const result = match(
      [item("30", { filePaths: ["D:\\Media\\Movies\\Heat (1995)\\Heat.mkv"] })],
      [target("A", { paths: ["/media/Movies/Heat (1995)/Heat.mkv"] })],
      { pathMap: [{ from: "D:\\Media", to: "/media" }] },
    );
    expect(result.matches.get("30")).toMatchObject({ targetId: "A", rule: "path", weak: false });
  });

  it("does not pair a Linux path differing in case", () => {
    const result = match(
      [item("31", { filePaths: ["d:\\media\\movies\\heat.mkv"] })],
      [target("A", { paths: ["/media/Movies/Heat.mkv"] })],
      { pathMap: [{ from: "D:\\Media", to: "/media" }] },
    );
    expect(result.misses.get("31")?.reason).toBe("no-candidate");
    expect(result.misses.get("31")?.detail).toContain("/media/movies/heat.mkv");
  });

  it("compares UNC paths case-insensitively and maps UNC prefixes", () => {
    const result = match(
      [
        item("32", { filePaths: ["\\\\NAS\\Share\\Movies\\Heat.mkv"] }),
        item("33", { filePaths: ["\\\\nas\\films\\Ran.mkv"] }),
      ],
      [
        target("A", { paths: ["//nas/share/movies/heat.mkv"] }),
        target("B", { paths: ["/mnt/films/Ran.mkv"] }),
      ],
      { pathMap: [{ from: "\\\\NAS\\films", to: "/mnt/films" }] },
    );
    expect(result.matches.get("32")?.targetId).toBe("A");
    expect(result.matches.get("33")?.targetId).toBe("B");
  });

  it("pairs a multi-version item when any of its files is a target media source", () => {
    const result = match(
      [item("34", { filePaths: ["/data/movies/Heat.1080p.mkv", "/data/movies/Heat.2160p.mkv"] })],
      [target("A", { paths: ["/media/movies/Heat", "/media/movies/Heat.2160p.mkv"] })],
      { pathMap: [{ from: "/data", to: "/media" }] },
    );
    expect(result.matches.get("34")?.targetId).toBe("A");
  });

  it("pairs a track by its path", () => {
    const result = match(
      [
        item("35", {
          kind: "track",
          libraryId: "3",
          title: "So What",
          filePaths: ["/data/music/Kind of Blue/01.flac"],
        }),
      ],
      [target("T", { kind: "track", libraryId: "a", paths: ["/media/music/Kind of Blue/01.flac"] })],
      { pathMap: [{ from: "/data", to: "/media" }] },
    );
    expect(result.matches.get("35")).toMatchObject({ targetId: "T", rule: "path" });
  });
});

describe("libraries", () => {
  const twoCopies = [
    target("A", { libraryId: "m", externalIds: { imdb: "tt1" } }),
    target("B", { libraryId: "m2", externalIds: { imdb: "tt1" } }),
  ];

  it("restricts candidates to the library named by --library-map", () => {
    const items = [item("40", { externalIds: { imdb: "tt1" } })];
    expect(match(items, twoCopies).misses.get("40")?.reason).toBe("ambiguous");
    const mapped = match(items, twoCopies, { libraryMap: [{ from: "movies", to: "FILMS 4K" }] });
    expect(mapped.matches.get("40")?.targetId).toBe("B");
  });

  it("fails with a config error naming a missing target library", () => {
    expect(() => match([], [], { libraryMap: [{ from: "Movies", to: "Cinema" }] })).toThrowError(ConfigError);
    expect(() => match([], [], { libraryMap: [{ from: "Movies", to: "Cinema" }] })).toThrowError(/Cinema/);
    // Also when the Plex side names a library that is not selected; the message names only the target.
    const unselected = () => match([], [], { libraryMap: [{ from: "Private Stuff", to: "Cinema" }] });
    expect(unselected).toThrowError(ConfigError);
    expect(unselected).not.toThrowError(/Private Stuff/);
  });

  it("refuses a --library-map to a library of another kind", () => {
    expect(() => match([], [], { libraryMap: [{ from: "Movies", to: "Series" }] })).toThrowError(ConfigError);
  });

  it("excludes target libraries of an incompatible kind and includes mixed ones", () => {
    const targetLibraries: TargetLibrary[] = [
      ...TARGET_LIBRARIES,
      { id: "x", name: "Everything", kind: "mixed", rootPaths: [] },
    ];
    const inShowLibrary = target("A", { libraryId: "t", externalIds: { imdb: "tt1" } });
    const excluded = match([item("41", { externalIds: { imdb: "tt1" } })], [inShowLibrary], {
      targetLibraries,
    });
    expect(excluded.misses.get("41")?.reason).toBe("no-candidate");
    const inMixed = target("B", { libraryId: "x", externalIds: { imdb: "tt1" } });
    const included = match([item("41", { externalIds: { imdb: "tt1" } })], [inMixed], { targetLibraries });
    expect(included.matches.get("41")?.targetId).toBe("B");
  });

  it("never pairs kinds that differ, even with equal paths", () => {
    const result = match(
      [item("42", { filePaths: ["/media/movies/a.mkv"] })],
      [target("E", { kind: "episode", libraryId: "m", paths: ["/media/movies/a.mkv"] })],
    );
    expect(result.misses.get("42")?.reason).toBe("no-candidate");
  });
});

describe("progress and details", () => {
  it("reports progress over every item", () => {
    let done = 0;
    let total = 0;
    const task: ProgressTask = {
      tick: (n = 1) => {
        done += n;
      },
      setTotal: (n) => {
        total = n;
      },
      finish: () => {},
    };
    const items = Array.from({ length: 2500 }, (_, i) => item(String(i + 1)));
    matchItems(
      { items, libraries: PLEX_LIBRARIES, target: { libraries: [], items: [] }, pathMap: [], libraryMap: [] },
      {
        task: (_label, n) => {
          total = n ?? 0;
          return task;
        },
      },
    );
    expect(total).toBe(2500);
    expect(done).toBe(2500);
  });

  it("explains a miss with the evidence tried", () => {
    const result = match(
      [
        item("50", {
          title: "Heat",
          year: 1995,
          externalIds: { imdb: "tt0113277" },
          filePaths: ["/x/heat.mkv"],
        }),
      ],
      [],
    );
    const detail = result.misses.get("50")?.detail ?? "";
    expect(detail).toContain('"Films"');
    expect(detail).toContain("imdb tt0113277");
    expect(detail).toContain("/x/heat.mkv");
    expect(detail).toContain('"Heat" (1995)');
  });
});
