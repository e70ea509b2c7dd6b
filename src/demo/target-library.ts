import type { SandboxLibrary } from "../sandbox/library.js";

/**
 * The Jellyfin/Emby side of the demo: the same media as the bundled Plex sample
 * (fixtures/plex/scenarios/sample.ts) as a freshly scanned target would hold it. It differs
 * from Plex the way real migrations do, so the demo shows each matching rule at work:
 * - files live under /media instead of /data/media, D:\Media and /mnt/archive (path maps);
 * - Plex's "Old Movies" and "Movies" are one target library;
 * - episodes carry no ids of their own (found through their show and numbers), one file
 *   holds two episodes (IndexNumberEnd), a film has two versions and another two parts;
 * - the home video was never copied over (reported as unmatched);
 * - the owner already exists as "admin" and has watched The Matrix five times there
 *   (merge keeps the higher count); the friend exists as "Alex"; "Kids" is created.
 */
export function demoTargetLibrary(): SandboxLibrary {
  const movie = (
    ref: string,
    name: string,
    year: number,
    ids: Record<string, string>,
    ...paths: string[]
  ) => ({
    ref,
    type: "Movie" as const,
    name,
    year,
    providerIds: ids,
    path: paths[0],
    mediaSources: paths.map((path) => ({ path })),
  });
  const episode = (ref: string, name: string, season: number, index: number, path: string, end?: number) => ({
    ref,
    type: "Episode" as const,
    name,
    parentIndexNumber: season,
    indexNumber: index,
    ...(end === undefined ? {} : { indexNumberEnd: end }),
    path,
    mediaSources: [{ path }],
  });
  return {
    serverName: "Family Jellyfin (demo)",
    users: [
      { name: "admin", admin: true, password: "demo-admin" },
      { name: "Alex", admin: false },
    ],
    libraries: [
      {
        name: "Films",
        collectionType: "movies",
        paths: ["/media/movies", "/media/old-movies"],
        items: [
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
            "shawshank",
            "The Shawshank Redemption",
            1994,
            { Imdb: "tt0111161", Tmdb: "278" },
            "/media/movies/The Shawshank Redemption (1994)/Shawshank.mkv",
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
  };
}

/** The options a person would pass for this pair of servers. */
export const DEMO_PATH_MAP = [
  { from: "/data/media/movies", to: "/media/movies" },
  { from: "D:\\Media\\Old Movies", to: "/media/old-movies" },
  { from: "/data/media/tv", to: "/media/tv" },
  { from: "/mnt/archive/tv", to: "/media/tv" },
  { from: "/data/media/music", to: "/media/music" },
];

export const DEMO_USER_MAP = [
  { from: "plexowner", to: "admin" },
  { from: "alex.friend", to: "Alex" },
];
