import { performance } from "node:perf_hooks";
import { type SandboxLibrary, startSandbox } from "../src/sandbox/index.js";

export const description =
  "sandbox start-up with 100,000 items, and latency of 1,000-item pages with ProviderIds,Path,MediaSources";

const MOVIES = 40_000;
const SHOWS = 500;
const SEASONS = 5;
const EPISODES = 24;
const PAGE = 1_000;
const PAGES = 20;

export function library(): SandboxLibrary {
  const movies = Array.from({ length: MOVIES }, (_, i) => ({
    type: "Movie" as const,
    name: `Movie ${i}`,
    year: 1950 + (i % 70),
    providerIds: { Imdb: `tt${String(1_000_000 + i)}`, Tmdb: String(10_000 + i) },
    path: `/media/movies/Movie ${i} (${1950 + (i % 70)})/Movie ${i}.mkv`,
    ...(i % 10 === 0 ? { userData: { alice: { played: true, playCount: 1 + (i % 3) } } } : {}),
  }));
  const shows = Array.from({ length: SHOWS }, (_, s) => ({
    type: "Series" as const,
    name: `Show ${s}`,
    providerIds: { Tvdb: String(300_000 + s) },
    path: `/media/tv/Show ${s}`,
    children: Array.from({ length: SEASONS }, (_, season) => ({
      type: "Season" as const,
      name: `Season ${season + 1}`,
      indexNumber: season + 1,
      children: Array.from({ length: EPISODES }, (_, e) => ({
        type: "Episode" as const,
        name: `Episode ${e + 1}`,
        indexNumber: e + 1,
        path: `/media/tv/Show ${s}/Season ${season + 1}/S${season + 1}E${e + 1}.mkv`,
      })),
    })),
  }));
  return {
    users: [{ name: "admin", admin: true }, { name: "alice" }],
    libraries: [
      { name: "Movies", collectionType: "movies", paths: ["/media/movies"], items: movies },
      { name: "TV", collectionType: "tvshows", paths: ["/media/tv"], items: shows },
    ],
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function run(): Promise<void> {
  const input = library();
  const items = MOVIES + SHOWS * (1 + SEASONS + SEASONS * EPISODES);
  for (const kind of ["jellyfin", "emby"] as const) {
    for (const validate of [false, true]) {
      const started = performance.now();
      const box = await startSandbox({ kind, library: input, validate });
      const startMs = performance.now() - started;
      const users = (await (
        await fetch(`${box.url}/${kind === "jellyfin" ? "Users" : "Users/Query"}`, {
          headers: { "X-Emby-Token": box.apiKey },
        })
      ).json()) as { Id: string; Name: string }[] | { Items: { Id: string; Name: string }[] };
      const alice = (Array.isArray(users) ? users : users.Items).find((u) => u.Name === "alice")!.Id;
      const latencies: number[] = [];
      let total = 0;
      for (let page = 0; page < PAGES; page++) {
        const query = `userId=${alice}&recursive=true&includeItemTypes=Movie,Episode&fields=ProviderIds,Path,MediaSources&startIndex=${page * 5 * PAGE}&limit=${PAGE}`;
        const t = performance.now();
        const answer = await fetch(`${box.url}/Items?${query}`, { headers: { "X-Emby-Token": box.apiKey } });
        const body = (await answer.json()) as { Items: unknown[]; TotalRecordCount: number };
        latencies.push(performance.now() - t);
        total = body.TotalRecordCount;
        if (body.Items.length !== PAGE) throw new Error(`page ${page}: ${body.Items.length} items`);
      }
      await box.stop();
      console.log(
        `${kind.padEnd(8)} validate=${String(validate).padEnd(5)} items=${items} start=${ms(startMs)} ` +
          `page(${PAGE}) median=${ms(percentile(latencies, 50))} p95=${ms(percentile(latencies, 95))} ` +
          `(of ${total} matching)${box.violations.length > 0 ? ` violations=${box.violations.length}` : ""}`,
      );
    }
  }
}
