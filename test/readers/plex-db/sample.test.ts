import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type FixtureVariant, writeSampleDatabase } from "../../../fixtures/plex/write.js";
import { SnapshotSchema } from "../../../src/model/index.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import {
  FRIEND,
  HISTORY_ONLY_ACCOUNT,
  MANAGED,
  OWNER,
  REMOVED_FILM_GUID,
} from "../../../src/sample/index.js";
import { tempDirs } from "./helpers.js";

const tempDir = tempDirs();

async function readSample(variant: FixtureVariant, timeZone = "UTC") {
  const path = join(tempDir(), "com.plexapp.plugins.library.db");
  writeSampleDatabase(path, { variant, timeZone });
  return openPlexDatabase(path, { timeZone }).read();
}

const state = (snapshot: Awaited<ReturnType<typeof readSample>>, user: number, guid: string) =>
  snapshot.states.find((s) => s.userId === String(user) && s.identity === guid);

describe.each(["current", "legacy", "hostile"] as const)("the sample database, %s variant", (variant) => {
  it("reads a valid snapshot with users, libraries and items", async () => {
    const snapshot = await readSample(variant);
    expect(() => SnapshotSchema.parse(snapshot)).not.toThrow();
    expect(snapshot.users.map((u) => [u.id, u.name, u.isOwner, u.isPlaceholder])).toEqual([
      ["1", "plexowner", true, false],
      [String(MANAGED), "Kids", false, false],
      [String(FRIEND), "alex.friend", false, false],
      [String(HISTORY_ONLY_ACCOUNT), `account-${HISTORY_ONLY_ACCOUNT}`, false, true],
    ]);
    expect(snapshot.libraries).toEqual([
      { id: "1", name: "Movies", kind: "movie", rootPaths: ["/data/media/movies"] },
      { id: "2", name: "Old Movies", kind: "movie", rootPaths: ["D:\\Media\\Old Movies"] },
      { id: "3", name: "TV Shows", kind: "show", rootPaths: ["/data/media/tv", "/mnt/archive/tv"] },
      { id: "5", name: "Music", kind: "music", rootPaths: ["/data/media/music"] },
    ]);
    // 21 rows of kinds 1–10; the trailer (type 12) is not an item.
    expect(snapshot.items).toHaveLength(21);
    expect(snapshot.items.find((i) => i.key === "399")).toBeUndefined();
    expect(snapshot.source.schemaVersion).toBe(variant === "legacy" ? "20200224131300" : "202504161541.011");
  });

  it("reads new-agent ids from 314 tags and legacy ids from guids", async () => {
    const { items } = await readSample(variant);
    const item = (key: string) => items.find((i) => i.key === key)!;
    expect(item("101")).toMatchObject({
      kind: "movie",
      identity: "plex://movie/5d7768ba96b655001fdc0408",
      title: "The Matrix",
      year: 1999,
      externalIds: { imdb: "tt0133093", tmdb: "603", tvdb: "169" },
      showExternalIds: {},
      libraryId: "1",
      durationMs: 8_160_000,
      isDeleted: false,
    });
    expect(item("201").externalIds).toEqual({ imdb: "tt0034583" });
    expect(item("201").filePaths).toEqual([
      "D:\\Media\\Old Movies\\Casablanca (1942)\\Casablanca (1942).avi",
    ]);
    expect(item("104")).toMatchObject({ identity: "local://104", externalIds: {}, showExternalIds: {} });
    expect(item("310").externalIds).toEqual({ tvdb: "73244" });
    // Legacy TheTVDB episode: the guid names the show; numbers from the hierarchy.
    expect(item("312")).toMatchObject({
      kind: "episode",
      externalIds: {},
      showExternalIds: { tvdb: "73244" },
      seasonNumber: 1,
      episodeNumber: 1,
      parentKey: "311",
      grandparentKey: "310",
    });
    expect(item("303")).toMatchObject({
      externalIds: { tvdb: "349232", tmdb: "62085", imdb: "tt0959621" },
      seasonNumber: 1,
      episodeNumber: 1,
      parentKey: "302",
      grandparentKey: "301",
    });
    expect(item("302")).toMatchObject({
      kind: "season",
      seasonNumber: 1,
      parentKey: "301",
      grandparentKey: null,
    });
    expect(item("503")).toMatchObject({
      kind: "track",
      externalIds: {},
      parentKey: "502",
      grandparentKey: "501",
      episodeNumber: 1,
      seasonNumber: 1,
    });
    expect(item("501").externalIds).toEqual({ mbid: "a74b1b7f-71a5-4011-9441-d0b5e4122711" });
  });

  it("keeps every file of multi-part and multi-version items, and shared multi-episode files", async () => {
    const { items } = await readSample(variant);
    const files = (key: string) => items.find((i) => i.key === key)!.filePaths;
    expect(files("102")).toEqual([
      "/data/media/movies/Lawrence of Arabia (1962)/Lawrence of Arabia (1962) - cd1.mkv",
      "/data/media/movies/Lawrence of Arabia (1962)/Lawrence of Arabia (1962) - cd2.mkv",
    ]);
    expect(files("103")).toEqual([
      "/data/media/movies/Blade Runner (1982)/Blade Runner (1982) - 2160p.mkv",
      "/data/media/movies/Blade Runner (1982)/Blade Runner (1982) - 1080p.mkv",
    ]);
    expect(files("304")).toEqual(files("305"));
    expect(items.find((i) => i.key === "106")!.isDeleted).toBe(true);
  });

  it("applies one state to both items of a film held in two libraries", async () => {
    const snapshot = await readSample(variant);
    const guid = "com.plexapp.agents.imdb://tt0111161?lang=en";
    expect(snapshot.items.filter((i) => i.identity === guid).map((i) => i.libraryId)).toEqual(["1", "2"]);
    expect(snapshot.states.filter((s) => s.identity === guid)).toHaveLength(1);
    expect(state(snapshot, OWNER, guid)).toMatchObject({ played: true, playCount: 1 });
  });

  it("combines duplicate state rows as SEMANTICS §3 says", async () => {
    const snapshot = await readSample(variant);
    const matrix = state(snapshot, OWNER, "plex://movie/5d7768ba96b655001fdc0408")!;
    expect(matrix).toEqual({
      userId: "1",
      identity: "plex://movie/5d7768ba96b655001fdc0408",
      played: true,
      playCount: 3,
      lastPlayedAt: new Date("2023-05-01T20:15:00Z"),
      // the row viewed last had no offset; the older row's 20 minutes do not win
      positionMs: 0,
      rating: 9,
      ratedAt: variant === "legacy" ? null : new Date("2023-05-01T22:00:00Z"),
    });
  });

  it("reads in-progress, rated-only, track play counts, show ratings and trash", async () => {
    const snapshot = await readSample(variant);
    expect(state(snapshot, OWNER, "plex://movie/5d776825880197001ec90a1b")).toMatchObject({
      played: false,
      playCount: 0,
      positionMs: 3_600_000,
      lastPlayedAt: new Date("2023-06-10T21:30:00Z"),
    });
    // Rated only: last played falls back to the latest history row.
    expect(state(snapshot, OWNER, "com.plexapp.agents.imdb://tt0034583?lang=en")).toMatchObject({
      played: false,
      rating: 8,
      lastPlayedAt: new Date("2019-12-24T16:00:00Z"),
    });
    expect(state(snapshot, OWNER, "plex://track/5d07cdde403c640290f87b61")).toMatchObject({ playCount: 12 });
    // A show row carries only its rating.
    expect(state(snapshot, OWNER, "plex://show/5d9c086c46115600200aa2fe")).toMatchObject({
      played: false,
      playCount: 0,
      lastPlayedAt: null,
      positionMs: 0,
      rating: 10,
    });
    expect(state(snapshot, FRIEND, "plex://movie/5d776d1b96b655001fe2ad3b")).toMatchObject({ played: true });
    expect(state(snapshot, MANAGED, "com.plexapp.agents.thetvdb://73244/1/2?lang=en")).toMatchObject({
      played: false,
      positionMs: 600_000,
    });
  });

  it("counts orphaned state rows and aggregates history, also of removed media", async () => {
    const snapshot = await readSample(variant);
    expect(snapshot.orphanedStateCount).toBe(1);
    expect(snapshot.states.some((s) => s.identity.startsWith("plex://movie/5d776b59"))).toBe(false);
    expect(snapshot.historyEventCount).toBe(16);
    const matrix = snapshot.history.find(
      (h) => h.userId === "1" && h.identity === "plex://movie/5d7768ba96b655001fdc0408",
    );
    expect(matrix).toEqual({
      userId: "1",
      identity: "plex://movie/5d7768ba96b655001fdc0408",
      plays: 3,
      lastViewedAt: new Date("2023-05-01T20:15:00Z"),
    });
    expect(snapshot.history.find((h) => h.identity === REMOVED_FILM_GUID)).toMatchObject({
      userId: "1",
      plays: 1,
    });
    expect(snapshot.history.find((h) => h.userId === String(HISTORY_ONLY_ACCOUNT))).toMatchObject({
      plays: 1,
    });
  });

  it("reads playlists in order with duplicates, the smart playlist without entries, and collections", async () => {
    const snapshot = await readSample(variant);
    expect(snapshot.playlists).toEqual([
      {
        key: "701",
        ownerUserId: "1",
        title: "Movie Night",
        mediaKind: "video",
        isSmart: false,
        entries: ["101", "103", "101", "303"],
      },
      {
        key: "702",
        ownerUserId: String(MANAGED),
        title: "Road Trip",
        mediaKind: "audio",
        isSmart: false,
        entries: ["503", "504"],
      },
      {
        key: "703",
        ownerUserId: "1",
        title: "Unwatched Breaking Bad",
        mediaKind: "video",
        isSmart: true,
        entries: null,
      },
    ]);
    expect(snapshot.warnings.map((w) => w.code)).toContain("smart-playlist");
    expect(snapshot.collections).toEqual([
      { key: "601", libraryId: "1", title: "Sci-Fi Classics", isSmart: false, memberKeys: ["101", "103"] },
    ]);
  });
});

describe("legacy local-time timestamps", () => {
  it("are read in the given Plex zone", async () => {
    const snapshot = await readSample("legacy", "America/New_York");
    expect(state(snapshot, OWNER, "plex://movie/5d7768ba96b655001fdc0408")!.lastPlayedAt).toEqual(
      new Date("2023-05-01T20:15:00Z"),
    );
  });

  it("shift by the zone difference when read in the wrong zone", async () => {
    const path = join(tempDir(), "legacy.db");
    writeSampleDatabase(path, { variant: "legacy", timeZone: "America/New_York" });
    const snapshot = await openPlexDatabase(path, { timeZone: "Europe/Berlin" }).read();
    // 16:15 New York wall time read as Berlin wall time: 14:15Z instead of 20:15Z.
    expect(state(snapshot, OWNER, "plex://movie/5d7768ba96b655001fdc0408")!.lastPlayedAt).toEqual(
      new Date("2023-05-01T14:15:00Z"),
    );
  });
});
