import type { SandboxLibrary } from "./library.js";

/**
 * The bundled library a sandbox serves by default: a few users, a movie library (one film in
 * two versions, two films sharing nothing), a show with a multi-episode file, and music.
 * Every item carries a `ref` so tests and the demo can find it.
 */
export function sampleSandboxLibrary(): SandboxLibrary {
  const episode = (season: number, episode: number, name: string, extra: Record<string, unknown> = {}) => ({
    ref: `expanse-s${season}e${episode}`,
    type: "Episode" as const,
    name,
    indexNumber: episode,
    path: `/media/tv/The Expanse/Season ${season}/The Expanse - S0${season}E0${episode}.mkv`,
    runTimeTicks: 26_000_000_000,
    ...extra,
  });
  return {
    serverName: "plexodus sandbox",
    users: [
      { name: "admin", admin: true, password: "admin" },
      { name: "alice", password: "alice" },
      { name: "bob" },
    ],
    libraries: [
      {
        name: "Movies",
        collectionType: "movies",
        paths: ["/media/movies"],
        items: [
          {
            ref: "shawshank",
            type: "Movie",
            name: "The Shawshank Redemption",
            year: 1994,
            providerIds: { Imdb: "tt0111161", Tmdb: "278" },
            mediaSources: [
              { path: "/media/movies/The Shawshank Redemption (1994)/Shawshank - 1080p.mkv" },
              { path: "/media/movies/The Shawshank Redemption (1994)/Shawshank - 2160p.mkv" },
            ],
            runTimeTicks: 85_200_000_000,
            userData: { alice: { played: true, playCount: 2, lastPlayedDate: "2023-05-01T20:00:00Z" } },
          },
          {
            ref: "arrival",
            type: "Movie",
            name: "Arrival",
            year: 2016,
            providerIds: { Imdb: "tt2543164", Tmdb: "329865" },
            path: "/media/movies/Arrival (2016)/Arrival.mkv",
            runTimeTicks: 69_600_000_000,
          },
          {
            ref: "heat",
            type: "Movie",
            name: "Heat",
            year: 1995,
            providerIds: { Imdb: "tt0113277", Tmdb: "949" },
            path: "/media/movies/Heat (1995)/Heat.mkv",
            runTimeTicks: 102_000_000_000,
          },
        ],
      },
      {
        name: "Shows",
        collectionType: "tvshows",
        paths: ["/media/tv"],
        items: [
          {
            ref: "expanse",
            type: "Series",
            name: "The Expanse",
            year: 2015,
            providerIds: { Tvdb: "280619", Imdb: "tt3230854", Tmdb: "63639" },
            path: "/media/tv/The Expanse",
            children: [
              {
                ref: "expanse-s1",
                type: "Season",
                name: "Season 1",
                indexNumber: 1,
                children: [
                  episode(1, 1, "Dulcinea"),
                  episode(1, 2, "The Big Empty"),
                  {
                    ...episode(1, 3, "Remember the Cant / CQB", { indexNumberEnd: 4 }),
                    path: "/media/tv/The Expanse/Season 1/The Expanse - S01E03-E04.mkv",
                  },
                ],
              },
              {
                ref: "expanse-s2",
                type: "Season",
                name: "Season 2",
                indexNumber: 2,
                children: [episode(2, 1, "Safe"), episode(2, 2, "Doors & Corners")],
              },
            ],
          },
        ],
      },
      {
        name: "Music",
        collectionType: "music",
        paths: ["/media/music"],
        items: [
          {
            ref: "artist-nils",
            type: "MusicArtist",
            name: "Nils Frahm",
            path: "/media/music/Nils Frahm",
            children: [
              {
                ref: "album-spaces",
                type: "MusicAlbum",
                name: "Spaces",
                year: 2013,
                path: "/media/music/Nils Frahm/Spaces",
                children: [
                  {
                    ref: "track-says",
                    type: "Audio",
                    name: "Says",
                    indexNumber: 1,
                    path: "/media/music/Nils Frahm/Spaces/01 Says.flac",
                  },
                  {
                    ref: "track-hammers",
                    type: "Audio",
                    name: "Hammers",
                    indexNumber: 2,
                    path: "/media/music/Nils Frahm/Spaces/02 Hammers.flac",
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    playlists: [{ name: "Alice favourites", owner: "alice", entries: ["arrival", "expanse-s1e1"] }],
    collections: [{ name: "Heist films", members: ["heat"] }],
  };
}
