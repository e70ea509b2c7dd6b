import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FULL_SCALE, type ScaleSize } from "../../fixtures/plex/scale.js";
import type { SandboxLibrary } from "../../src/sandbox/index.js";
import { scaleDatabase } from "../fixtures.js";
import type { BenchContext, BenchGoal, GoalRow } from "../goal.js";
import { describe, hasGnuTime, load, runMeasured } from "../process.js";
import { sandboxProcess } from "./apply-setup.js";

/**
 * Scale goal: a full `plexodus migrate` (read the Plex database, match, plan, apply) of a
 * generated library against the sandbox in a process of its own, which holds the same items
 * (matched by provider ids). Reported: plexodus's total CPU and its peak RSS, which must stay
 * within 1 GiB. The small case runs every time; the 200,000 × 50 one only with --scale.
 */
const MIB = 2 ** 20;
const RSS_LIMIT_MIB = 1024;

const CASES: { label: string; size: ScaleSize; big: boolean }[] = [
  {
    label: "5k items × 5 users",
    size: { items: 5_000, accounts: 5, states: 10_000, history: 25_000 },
    big: false,
  },
  { label: "200k items × 50 users", size: FULL_SCALE, big: true },
];

export const goal: BenchGoal = {
  name: "scale",
  description: "full migrate of a generated Plex library against the sandbox: plexodus CPU and peak RSS",
  async measure(context) {
    const rows: GoalRow[] = [];
    for (const item of CASES) rows.push(await measureCase(context, item.label, item.size, item.big));
    return rows;
  },
};

async function measureCase(
  context: BenchContext,
  label: string,
  size: ScaleSize,
  big: boolean,
): Promise<GoalRow> {
  const name = `scale ${label}, peak RSS`;
  if (big && !context.scale)
    return { goal: name, skipped: "needs --scale (generation and the run take long)" };
  if (!hasGnuTime()) return { goal: name, skipped: "needs GNU time (/usr/bin/time) for CPU and peak RSS" };
  const plexDb = scaleDatabase(context.root, context.outDir, size, context.log);
  const box = await sandboxProcess(context.root, targetLibrary(size));
  const dir = mkdtempSync(join(tmpdir(), "plexodus-bench-scale-"));
  try {
    const figures = runMeasured(
      [
        process.execPath,
        join(context.root, "bin", "plexodus.js"),
        "migrate",
        "--plex-db",
        plexDb,
        "--target-url",
        box.url,
        "--create-users",
        "--yes",
        "--journal",
        join(dir, "run.journal"),
        "--credentials-file",
        join(dir, "credentials.txt"),
      ],
      { env: { ...process.env, PLEXODUS_TARGET_API_KEY: box.apiKey } },
    );
    context.log(`  ${label}: ${describe(figures)}`);
    return {
      goal: name,
      measured: { value: figures.maxRssBytes! / MIB, unit: "MiB" },
      floor: { value: RSS_LIMIT_MIB, unit: "MiB" },
      target: { atMost: 1 },
      note: `plexodus CPU ${((figures.cpuMs ?? 0) / 1000).toFixed(1)} s, wall ${(figures.wallMs / 1000).toFixed(1)} s (${size.states.toLocaleString("en")} states, ${size.history.toLocaleString("en")} plays); sandbox in its own process; load ${load()}`,
    };
  } finally {
    await box.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The target side of fixtures/plex/scale.ts: the same movies and episodes (same provider ids
 * and files), so every source item matches; the Plex accounts become target users on the way.
 */
export function targetLibrary(size: ScaleSize): SandboxLibrary {
  const movies: SandboxLibrary["libraries"][number]["items"] = [];
  const shows: SandboxLibrary["libraries"][number]["items"] = [];
  let id = 0;
  const movieCount = Math.round(size.items * 0.4);
  for (let m = 0; m < movieCount && id < size.items; m++) {
    id += 1;
    const year = 1950 + (m % 75);
    movies.push({
      type: "Movie",
      name: `Movie ${m}`,
      year,
      providerIds: { Imdb: `tt${String(1_000_000 + m)}`, Tmdb: String(100_000 + m) },
      path: `/data/movies/Movie ${m} (${year})/Movie ${m}.mkv`,
    });
  }
  for (let s = 0; id < size.items; s++) {
    id += 1;
    const seasons = [];
    for (let season = 1; season <= 2 && id < size.items; season++) {
      id += 1;
      const episodes = [];
      for (let episode = 1; episode <= 10 && id < size.items; episode++) {
        id += 1;
        episodes.push({
          type: "Episode" as const,
          name: `Episode ${episode}`,
          indexNumber: episode,
          providerIds: { Tvdb: String(5_000_000 + id) },
          path: `/data/tv/Show ${s}/Season ${season}/S${season}E${episode}.mkv`,
        });
      }
      seasons.push({
        type: "Season" as const,
        name: `Season ${season}`,
        indexNumber: season,
        children: episodes,
      });
    }
    shows.push({
      type: "Series",
      name: `Show ${s}`,
      year: 2000 + (s % 25),
      providerIds: { Tvdb: String(300_000 + s) },
      path: `/data/tv/Show ${s}`,
      children: seasons,
    });
  }
  return {
    users: [{ name: "admin", admin: true }],
    libraries: [
      { name: "Movies", collectionType: "movies", paths: ["/data/movies"], items: movies },
      { name: "TV", collectionType: "tvshows", paths: ["/data/tv"], items: shows },
    ],
  };
}
