import { performance } from "node:perf_hooks";
import { matchItems } from "../src/match/items.js";
import { renderMatchReport } from "../src/match/report.js";
import { summarizeMatches } from "../src/match/summary.js";
import type { Item, Library, TargetIndex, TargetItem, TargetLibrary } from "../src/model/index.js";
import type { Progress } from "../src/progress.js";

export const description =
  "matching 200,000 Plex items against 200,000 target items (ids, episodes via shows, paths, title + year)";

const MOVIES_WITH_IDS = 50_000;
const SHOWS = 1_000;
const SEASONS_PER_SHOW = 5;
const EPISODES_PER_SEASON = 16;
const PATH_ONLY = 40_000;
const TITLE_YEAR = 24_000;

const libraries: Library[] = [
  { id: "1", name: "Movies", kind: "movie", rootPaths: ["D:\\Media\\Movies"] },
  { id: "2", name: "TV", kind: "show", rootPaths: ["D:\\Media\\TV"] },
];
const targetLibraries: TargetLibrary[] = [
  { id: "m", name: "Movies", kind: "movie", rootPaths: ["/media/Movies"] },
  { id: "t", name: "TV", kind: "show", rootPaths: ["/media/TV"] },
];

function sourceItem(key: string, fields: Partial<Item>): Item {
  return {
    key,
    identity: `plex://${key}`,
    kind: "movie",
    libraryId: "1",
    title: "",
    year: null,
    externalIds: {},
    showExternalIds: {},
    filePaths: [],
    parentKey: null,
    grandparentKey: null,
    seasonNumber: null,
    episodeNumber: null,
    durationMs: null,
    isDeleted: false,
    ...fields,
  };
}

function targetItem(id: string, fields: Partial<TargetItem>): TargetItem {
  return {
    id,
    kind: "movie",
    libraryId: "m",
    title: "",
    year: null,
    externalIds: {},
    paths: [],
    showId: null,
    parentId: null,
    seasonNumber: null,
    episodeNumber: null,
    episodeNumberEnd: null,
    ...fields,
  };
}

/** Deterministic synthetic libraries; each source item has exactly one intended target. */
function generate(): { items: Item[]; target: TargetIndex } {
  const items: Item[] = [];
  const targets: TargetItem[] = [];
  let key = 0;
  for (let i = 0; i < MOVIES_WITH_IDS; i++) {
    const ids = { imdb: `tt${1_000_000 + i}`, tmdb: String(500_000 + i) };
    items.push(sourceItem(String(++key), { title: `Film ${i}`, year: 1950 + (i % 70), externalIds: ids }));
    targets.push(
      targetItem(`m${i}`, { title: `Film ${i}`, year: 1950 + (i % 70), externalIds: { Imdb: ids.imdb } }),
    );
  }
  for (let s = 0; s < SHOWS; s++) {
    const showKey = String(++key);
    items.push(
      sourceItem(showKey, {
        kind: "show",
        libraryId: "2",
        title: `Show ${s}`,
        externalIds: { tvdb: `${70_000 + s}` },
      }),
    );
    targets.push(
      targetItem(`s${s}`, {
        kind: "show",
        libraryId: "t",
        title: `Show ${s}`,
        externalIds: { Tvdb: `${70_000 + s}` },
      }),
    );
    for (let n = 1; n <= SEASONS_PER_SHOW; n++) {
      const seasonKey = String(++key);
      items.push(
        sourceItem(seasonKey, { kind: "season", libraryId: "2", parentKey: showKey, seasonNumber: n }),
      );
      targets.push(
        targetItem(`s${s}n${n}`, { kind: "season", libraryId: "t", showId: `s${s}`, seasonNumber: n }),
      );
      for (let e = 1; e <= EPISODES_PER_SEASON; e++) {
        items.push(
          sourceItem(String(++key), {
            kind: "episode",
            libraryId: "2",
            title: `Episode ${e}`,
            parentKey: seasonKey,
            grandparentKey: showKey,
            seasonNumber: n,
            episodeNumber: e,
          }),
        );
        targets.push(
          targetItem(`s${s}n${n}e${e}`, {
            kind: "episode",
            libraryId: "t",
            showId: `s${s}`,
            parentId: `s${s}n${n}`,
            seasonNumber: n,
            episodeNumber: e,
          }),
        );
      }
    }
  }
  for (let i = 0; i < PATH_ONLY; i++) {
    const file = `Home Video ${i}\\clip ${i}.mkv`;
    items.push(
      sourceItem(String(++key), { title: "Clip", year: 2010, filePaths: [`D:\\Media\\Movies\\${file}`] }),
    );
    targets.push(
      targetItem(`p${i}`, { title: "Clip", year: 2010, paths: [`/media/Movies/${file.replace("\\", "/")}`] }),
    );
  }
  for (let i = 0; i < TITLE_YEAR; i++) {
    items.push(sourceItem(String(++key), { title: `The Unmatched Story No. ${i}`, year: 1990 + (i % 30) }));
    targets.push(targetItem(`y${i}`, { title: `Unmatched Story No ${i}`, year: 1990 + (i % 30) }));
  }
  return { items, target: { libraries: targetLibraries, items: targets } };
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString("en-US")} items/s`;
}

export async function run(): Promise<void> {
  let mark = performance.now();
  const { items, target } = generate();
  const generated = performance.now() - mark;

  mark = performance.now();
  let indexed = 0;
  const progress: Progress = {
    task: () => {
      indexed = performance.now() - mark;
      return { tick() {}, setTotal() {}, finish() {} };
    },
  };
  const result = matchItems(
    { items, libraries, target, pathMap: [{ from: "D:\\Media", to: "/media" }], libraryMap: [] },
    progress,
  );
  const total = performance.now() - mark;
  const matching = total - indexed;

  mark = performance.now();
  const summary = summarizeMatches(result, items);
  const report = renderMatchReport(result, items, { limit: 50 });
  const reported = performance.now() - mark;

  const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
  console.log(
    `source items ${items.length.toLocaleString("en-US")}, target items ${target.items.length.toLocaleString("en-US")}`,
  );
  console.log(`generate          ${ms(generated)}`);
  console.log(`index target      ${ms(indexed)}  ${rate(target.items.length, indexed)}`);
  console.log(`match             ${ms(matching)}  ${rate(items.length, matching)}`);
  console.log(`index + match     ${ms(total)}  ${rate(items.length, total)}`);
  console.log(`summary + report  ${ms(reported)}  (${report.length.toLocaleString("en-US")} characters)`);
  console.log(
    `matched ${summary.matched.toLocaleString("en-US")}, missed ${summary.missed}, by rule ${JSON.stringify(summary.byRule)}, weak ${summary.weak}`,
  );
  if (summary.matched !== items.length)
    throw new Error(`expected every synthetic item to match, ${summary.missed} did not`);
}
