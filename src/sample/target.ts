import type { SandboxLibrary } from "../sandbox/library.js";

/**
 * The Jellyfin/Emby side of the bundled sample: what `startSandbox` serves by default, what
 * `plexodus sandbox` and the demo serve, and what the sandbox and contract tests start from.
 * Every item carries a `ref` so tests can find it (`sandbox.idOf(ref)`).
 *
 * It holds the media of the Plex sample (./plex.ts) as a freshly scanned target would, and
 * differs from Plex the way real migrations do, so the demo shows each matching rule at work:
 * - files live under /media instead of /data/media, D:\Media and /mnt/archive (path maps);
 * - Plex's "Old Movies" and "Movies" are one target library;
 * - episodes carry no ids of their own (found through their show and numbers), one file
 *   holds two episodes (IndexNumberEnd), a film has two versions and another two parts;
 * - the home video was never copied over (reported as unmatched);
 * - the owner already exists as "admin" and has watched The Matrix five times there
 *   (merge keeps the higher count); the friend exists as "Alex"; "Kids" is created.
 *
 * Besides, the target has media and people of its own that no migration touches: users alice
 * (who has watched The Shawshank Redemption twice) and bob, two more films, The Expanse (with a
 * multi-episode file), an album by Nils Frahm, alice's playlist and a collection.
 */
export function sampleTargetLibrary(): SandboxLibrary {
  return {
    serverName: "Family Jellyfin (demo)",
    users: [
      { name: "admin", admin: true, password: "admin" },
      { name: "alice", password: "alice" },
      { name: "bob" },
      { name: "Alex" },
    ],
    libraries: [
      {
        name: "Films",
        collectionType: "movies",
        paths: ["/media/movies", "/media/old-movies"],
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
          {
            ...movie(
              "matrix",
              "The Matrix",
              1999,
              { Imdb: "tt0133093", Tmdb: "603" },
              "/media/movies/The Matrix (1999)/The Matrix (1999).mkv",
            ),
            userData: {
              admin: { played: true, playCount: 5, lastPlayedDate: "2020-01-04T21:00:00.0000000Z" },
            },
          },
          movie(
            "lawrence",
            "Lawrence of Arabia",
            1962,
            { Imdb: "tt0056172", Tmdb: "947" },
            "/media/movies/Lawrence of Arabia (1962)/Lawrence of Arabia (1962) - cd1.mkv",
          ),
          movie(
            "blade-runner",
            "Blade Runner",
            1982,
            { Imdb: "tt0083658", Tmdb: "78" },
            "/media/movies/Blade Runner (1982)/Blade Runner (1982) - 2160p.mkv",
            "/media/movies/Blade Runner (1982)/Blade Runner (1982) - 1080p.mkv",
          ),
          movie(
            "tenet",
            "Tenet",
            2020,
            { Imdb: "tt6723592", Tmdb: "577922" },
            "/media/movies/Tenet (2020)/Tenet (2020).mkv",
          ),
          movie(
            "casablanca",
            "Casablanca",
            1942,
            { Imdb: "tt0034583" },
            "/media/old-movies/Casablanca (1942)/Casablanca (1942).avi",
          ),
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
                  expanseEpisode(1, 1, "Dulcinea"),
                  expanseEpisode(1, 2, "The Big Empty"),
                  {
                    ...expanseEpisode(1, 3, "Remember the Cant / CQB"),
                    indexNumberEnd: 4,
                    path: "/media/tv/The Expanse/Season 1/The Expanse - S01E03-E04.mkv",
                  },
                ],
              },
              {
                ref: "expanse-s2",
                type: "Season",
                name: "Season 2",
                indexNumber: 2,
                children: [expanseEpisode(2, 1, "Safe"), expanseEpisode(2, 2, "Doors & Corners")],
              },
            ],
          },
          {
            ref: "breaking-bad",
            type: "Series",
            name: "Breaking Bad",
            year: 2008,
            providerIds: { Tvdb: "81189", Tmdb: "1396", Imdb: "tt0903747" },
            path: "/media/tv/Breaking Bad",
            children: [
              {
                ref: "breaking-bad-s1",
                type: "Season",
                name: "Season 1",
                indexNumber: 1,
                children: [
                  episode(
                    "bb-s1e1",
                    "Pilot",
                    1,
                    1,
                    "/media/tv/Breaking Bad/Season 01/Breaking Bad - S01E01 - Pilot.mkv",
                  ),
                  episode(
                    "bb-s1e2-3",
                    "Cat's in the Bag... / ...And the Bag's in the River",
                    1,
                    2,
                    "/media/tv/Breaking Bad/Season 01/Breaking Bad - S01E02-E03.mkv",
                    3,
                  ),
                ],
              },
            ],
          },
          {
            ref: "the-office",
            type: "Series",
            name: "The Office",
            year: 2005,
            providerIds: { Tvdb: "73244", Imdb: "tt0386676" },
            path: "/media/tv/The Office (US)",
            children: [
              {
                ref: "the-office-s1",
                type: "Season",
                name: "Season 1",
                indexNumber: 1,
                children: [
                  episode(
                    "office-s1e1",
                    "Pilot",
                    1,
                    1,
                    "/media/tv/The Office (US)/Season 1/The Office - S01E01.mkv",
                  ),
                  episode(
                    "office-s1e2",
                    "Diversity Day",
                    1,
                    2,
                    "/media/tv/The Office (US)/Season 1/The Office - S01E02.mkv",
                  ),
                ],
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
          {
            ref: "radiohead",
            type: "MusicArtist",
            name: "Radiohead",
            providerIds: { MusicBrainzArtist: "a74b1b7f-71a5-4011-9441-d0b5e4122711" },
            children: [
              {
                ref: "ok-computer",
                type: "MusicAlbum",
                name: "OK Computer",
                year: 1997,
                children: [
                  {
                    ref: "airbag",
                    type: "Audio",
                    name: "Airbag",
                    indexNumber: 1,
                    path: "/media/music/Radiohead/OK Computer/01 - Airbag.flac",
                  },
                  {
                    ref: "paranoid-android",
                    type: "Audio",
                    name: "Paranoid Android",
                    indexNumber: 2,
                    path: "/media/music/Radiohead/OK Computer/02 - Paranoid Android.flac",
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

function movie(ref: string, name: string, year: number, ids: Record<string, string>, ...paths: string[]) {
  return {
    ref,
    type: "Movie" as const,
    name,
    year,
    providerIds: ids,
    path: paths[0],
    mediaSources: paths.map((path) => ({ path })),
  };
}

function episode(ref: string, name: string, season: number, index: number, path: string, end?: number) {
  return {
    ref,
    type: "Episode" as const,
    name,
    parentIndexNumber: season,
    indexNumber: index,
    ...(end === undefined ? {} : { indexNumberEnd: end }),
    path,
    mediaSources: [{ path }],
  };
}

function expanseEpisode(season: number, index: number, name: string) {
  return {
    ref: `expanse-s${season}e${index}`,
    type: "Episode" as const,
    name,
    indexNumber: index,
    path: `/media/tv/The Expanse/Season ${season}/The Expanse - S0${season}E0${index}.mkv`,
    runTimeTicks: 26_000_000_000,
  };
}
