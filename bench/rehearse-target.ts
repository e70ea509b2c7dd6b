import type { SandboxItemInput, SandboxLibrary } from "../src/sandbox/library.js";

/**
 * The target that matches a scale Plex database (fixtures/plex/scale.ts) item for item: the
 * same films and shows with the same provider ids and file paths, and one target user per
 * Plex account ("owner", "user1", …). Nobody has watched anything on it yet.
 */
export function scaleTarget(items: number, accounts: number): SandboxLibrary {
  const films: SandboxItemInput[] = [];
  const shows: SandboxItemInput[] = [];
  const movies = Math.round(items * 0.4);
  let id = 0;
  for (let m = 0; m < movies && id < items; m++) {
    id++;
    const year = 1950 + (m % 75);
    films.push({
      type: "Movie",
      name: `Movie ${m}`,
      year,
      providerIds: { Imdb: `tt${1_000_000 + m}`, Tmdb: String(100_000 + m) },
      path: `/data/movies/Movie ${m} (${year})/Movie ${m}.mkv`,
    });
  }
  for (let s = 0; id < items; s++) {
    id++;
    const seasons: SandboxItemInput[] = [];
    for (let season = 1; season <= 2 && id < items; season++) {
      id++;
      const episodes: SandboxItemInput[] = [];
      for (let episode = 1; episode <= 10 && id < items; episode++) {
        const episodeId = ++id;
        episodes.push({
          type: "Episode",
          name: `Episode ${episode}`,
          indexNumber: episode,
          providerIds: { Tvdb: String(5_000_000 + episodeId) },
          path: `/data/tv/Show ${s}/Season ${season}/S${season}E${episode}.mkv`,
        });
      }
      seasons.push({ type: "Season", name: `Season ${season}`, indexNumber: season, children: episodes });
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
  const users = [{ name: "owner", admin: true }];
  for (let i = 1; i < accounts; i++) users.push({ name: `user${i}`, admin: false });
  return {
    serverName: "bench target",
    users,
    libraries: [
      { name: "Movies", collectionType: "movies", paths: ["/data/movies"], items: films },
      { name: "TV Shows", collectionType: "tvshows", paths: ["/data/tv"], items: shows },
    ],
  };
}
