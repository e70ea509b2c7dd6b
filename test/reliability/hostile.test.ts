import { describe, expect, it } from "vitest";
import { sanitizeUserName } from "../../src/match/names.js";
import { dialectFor } from "../../src/targets/families.js";
import { writesOf } from "./harness.js";
import { type Built, build, type Film, type Watch, type World } from "./hostile-world.js";

/**
 * Hostile and odd data: each world migrates, ends in exactly the state its inputs call for,
 * and a second run sends no write.
 */

/** What a watch becomes on the target (SEMANTICS §3, target empty before). */
function expected(w: Watch) {
  return {
    played: (w.viewCount ?? 0) > 0,
    playCount: w.viewCount ?? 0,
    lastPlayedDate: w.lastViewedAt ?? null,
    playbackPositionTicks: (w.viewOffsetMs ?? 0) * 10_000,
    rating: w.rating ?? null,
  };
}

/** A user's data by film index, in the same shape as `expected`. */
function dataOf(built: Built, user: string) {
  const data = built.sandbox.dump().userData[user];
  expect(data, `user ${user} exists`).toBeDefined();
  const out: Record<number, ReturnType<typeof expected>> = {};
  const filmOf = new Map(built.ids.map((id, index) => [id, index]));
  for (const [id, entry] of Object.entries(data!)) {
    const film = filmOf.get(id) ?? -1;
    out[film] = {
      played: entry.played,
      playCount: entry.playCount,
      lastPlayedDate: entry.lastPlayedDate === null ? null : new Date(entry.lastPlayedDate).toISOString(),
      playbackPositionTicks: entry.playbackPositionTicks,
      rating: entry.rating,
    };
  }
  return out;
}

function expectedOf(world: World, user: string) {
  const out: Record<number, ReturnType<typeof expected>> = {};
  for (const w of world.watches.filter((x) => x.user === user)) {
    const e = expected(w);
    out[w.film] = { ...e, lastPlayedDate: e.lastPlayedDate && new Date(e.lastPlayedDate).toISOString() };
  }
  return out;
}

async function migrateTwice(world: World, check: (built: Built) => void) {
  const built = await build(world);
  try {
    const first = await built.migrate();
    expect(first.code, first.stderr + first.stdout).toBe(0);
    check(built);
    const before = writesOf(built.sandbox);
    const second = await built.migrate();
    expect(second.code, second.stderr).toBe(0);
    expect(writesOf(built.sandbox)).toBe(before);
    check(built);
    expect(built.sandbox.violations).toEqual([]);
  } finally {
    await built.stop();
  }
}

const film = (title: string, imdb: string, year = 2001): Film => ({
  title,
  year,
  imdb,
  plexFiles: [`/plex/${imdb}.mkv`],
  targetPath: `/media/${imdb}.mkv`,
});

describe("hostile data", () => {
  it.each([
    ["jellyfin", "10.11"],
    ["emby", "4.9"],
  ] as const)(
    "Unicode, emoji, right-to-left and very long titles and user names (%s)",
    async (kind, version) => {
      const users = ["Zoë 👩‍👧", "مريم", "山田 太郎", `${"Ν".repeat(90)}é`];
      const world: World = {
        users,
        films: [
          film("Amélie 🎬🍿", "tt0211915"),
          film("\u200fשלום עולם\u200f", "tt1000001"),
          film("T".repeat(2000), "tt1000002"),
          film("日本語のタイトル「テスト」", "tt1000003"),
        ],
        watches: users.map((user, i) => ({
          user,
          film: i,
          viewCount: i + 1,
          viewOffsetMs: 60_000 * (i + 1),
          lastViewedAt: `2023-0${i + 1}-15T20:00:00Z`,
          rating: 2 * (i + 1),
        })),
        kind,
      };
      await migrateTwice(world, (built) => {
        const names = built.sandbox.dump().users.map((u) => u.name);
        for (const user of users) {
          const name = sanitizeUserName(user, dialectFor(kind, version).userNames);
          expect(names).toContain(name);
          expect(dataOf(built, name)).toEqual(expectedOf(world, user));
        }
      });
    },
  );

  it("names that clash after sanitizing get distinct users (lower Plex id first), each with only its own data", async () => {
    const users = ["Bob!", "Bob?", "Bob#"];
    const world: World = {
      users,
      films: [film("One", "tt2000001"), film("Two", "tt2000002"), film("Three", "tt2000003")],
      watches: users.map((user, i) => ({
        user,
        film: i,
        viewCount: 1,
        lastViewedAt: "2024-01-01T10:00:00Z",
      })),
    };
    await migrateTwice(world, (built) => {
      const names = built.sandbox
        .dump()
        .users.map((u) => u.name)
        .filter((n) => n !== "admin");
      expect(names.sort()).toEqual(["Bob_", "Bob_-2", "Bob_-3"]);
      expect(dataOf(built, "Bob_")).toEqual(expectedOf(world, "Bob!"));
      expect(dataOf(built, "Bob_-2")).toEqual(expectedOf(world, "Bob?"));
      expect(dataOf(built, "Bob_-3")).toEqual(expectedOf(world, "Bob#"));
    });
  });

  it("paths with spaces, quotes, Windows drive letters and UNC prefixes match through --path-map", async () => {
    const byPath = (title: string, plexFile: string, targetPath: string): Film => ({
      // Target names differ, so only the file path can pair them.
      title,
      plexFiles: [plexFile],
      targetPath,
    });
    const world: World = {
      users: ["owner"],
      films: [
        byPath(
          "Quoted",
          `D:\\Movies\\It's "Quoted" (2001)\\It's "Quoted".mkv`,
          `/media/movies/It's "Quoted" (2001)/It's "Quoted".mkv`,
        ),
        byPath(
          "Spaced",
          "\\\\nas\\share\\Films\\Spaced  Out\\Two  Spaces.mkv",
          "/media/nas/Spaced  Out/Two  Spaces.mkv",
        ),
        byPath("Lower", "d:\\MOVIES\\Lower Drive.mkv", "/media/movies/Lower Drive.mkv"),
        byPath("Unicode", "/data/with space/Ünïcödé film.mkv", "/media/space/Ünïcödé film.mkv"),
        byPath("Deeper wins", "/data/with space/special/x.mkv", "/media/special/x.mkv"),
      ],
      watches: [0, 1, 2, 3, 4].map((f) => ({ user: "owner", film: f, viewCount: f + 1 })),
      pathMap: [
        "D:\\Movies=/media/movies",
        "\\\\NAS\\share\\Films=/media/nas",
        "/data/with space=/media/space",
        "/data/with space/special=/media/special",
      ],
    };
    await migrateTwice(world, (built) => {
      expect(dataOf(built, "owner")).toEqual(expectedOf(world, "owner"));
      expect(Object.keys(dataOf(built, "owner"))).toHaveLength(5);
    });
  });

  it("an item with thousands of parts matches by any of its files", async () => {
    const parts = Array.from({ length: 3000 }, (_, i) => `/plex/Epic/part ${String(i).padStart(4, "0")}.mkv`);
    const world: World = {
      users: ["owner"],
      films: [{ title: "Epic in 3000 parts", plexFiles: parts, targetPath: "/media/Epic/part 1500.mkv" }],
      watches: [
        {
          user: "owner",
          film: 0,
          viewCount: 7,
          viewOffsetMs: 1_234_000,
          lastViewedAt: "2022-02-22T22:22:22Z",
        },
      ],
      pathMap: ["/plex=/media"],
    };
    await migrateTwice(world, (built) => {
      expect(dataOf(built, "owner")).toEqual(expectedOf(world, "owner"));
    });
  });
});

describe.skipIf(!process.env.PLEXODUS_SLOW_TESTS)("hostile data at scale (PLEXODUS_SLOW_TESTS=1)", () => {
  const many = (count: number): Film[] =>
    Array.from({ length: count }, (_, i) => film(`Film ${i}`, `tt${String(5_000_000 + i)}`, 1950 + (i % 70)));

  it("a playlist of 10,000 entries arrives complete and in order", async () => {
    const films = many(10_000);
    const world: World = {
      users: ["owner"],
      films,
      watches: [],
      playlists: [{ owner: "owner", title: "Everything", films: films.map((_, i) => films.length - 1 - i) }],
    };
    await migrateTwice(world, (built) => {
      const playlists = built.sandbox.dump().playlists;
      expect(playlists).toHaveLength(1);
      const filmOf = new Map(built.ids.map((id, index) => [id, index]));
      expect(playlists[0]!.entries.map((e) => filmOf.get(e.itemId))).toEqual(world.playlists![0]!.films);
    });
  }, 900_000);

  it("a user with 100,000 watched items gets every one exactly", async () => {
    const films = many(100_000);
    const world: World = {
      users: ["owner"],
      films,
      watches: films.map((_, i) => ({
        user: "owner",
        film: i,
        viewCount: 1 + (i % 5),
        lastViewedAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
      })),
    };
    await migrateTwice(world, (built) => {
      expect(dataOf(built, "owner")).toEqual(expectedOf(world, "owner"));
    });
  }, 3_600_000);
});
