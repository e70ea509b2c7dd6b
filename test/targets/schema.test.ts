import { describe, expect, it } from "vitest";
import {
  parseServerDate,
  toLibrary,
  toTargetItem,
  toUserData,
} from "../../src/targets/mediabrowser/schema.js";

describe("wire conversion", () => {
  it("converts an episode: lower-case provider keys, every path, show/season, numbers, multi-episode end", () => {
    const item = toTargetItem(
      {
        Id: "e1",
        Name: "Pilot",
        Type: "Episode",
        ProductionYear: 2008,
        ProviderIds: { Tvdb: "349232", Imdb: "tt0959621", Empty: null },
        Path: "/tv/BB/S01E01-E02.mkv",
        MediaSources: [{ Path: "/tv/BB/S01E01-E02.mkv" }, { Path: "/tv/BB/S01E01-E02.4k.mkv" }],
        SeriesId: "s1",
        SeasonId: "se1",
        ParentId: "se1",
        IndexNumber: 1,
        ParentIndexNumber: 1,
        IndexNumberEnd: 2,
      },
      "lib",
    );
    expect(item).toEqual({
      id: "e1",
      kind: "episode",
      libraryId: "lib",
      title: "Pilot",
      year: 2008,
      externalIds: { tvdb: "349232", imdb: "tt0959621" },
      paths: ["/tv/BB/S01E01-E02.mkv", "/tv/BB/S01E01-E02.4k.mkv"],
      showId: "s1",
      parentId: "se1",
      seasonNumber: 1,
      episodeNumber: 1,
      episodeNumberEnd: 2,
    });
  });

  it("converts seasons, albums and tracks, and skips unknown types", () => {
    expect(toTargetItem({ Id: "se", Type: "Season", SeriesId: "s", IndexNumber: 3 }, null)).toMatchObject({
      kind: "season",
      showId: "s",
      seasonNumber: 3,
      episodeNumber: null,
    });
    expect(toTargetItem({ Id: "al", Type: "MusicAlbum", AlbumArtists: [{ Id: "ar" }] }, null)).toMatchObject({
      kind: "album",
      showId: "ar",
    });
    expect(
      toTargetItem({ Id: "t", Type: "Audio", AlbumId: "al", IndexNumber: 4, ParentIndexNumber: 2 }, null),
    ).toMatchObject({
      kind: "track",
      parentId: "al",
      episodeNumber: 4,
      seasonNumber: 2,
      episodeNumberEnd: null,
    });
    expect(toTargetItem({ Id: "f", Type: "Folder" }, null)).toBeNull();
  });

  it("converts user data: ticks to ms, absent to empty, Emby's null PlayCount to 0", () => {
    expect(
      toUserData({
        Played: true,
        PlayCount: 3,
        PlaybackPositionTicks: 12_345_670_000,
        LastPlayedDate: "2024-08-02T22:51:23.1234567Z",
        Rating: 7.5,
        IsFavorite: true,
      }),
    ).toEqual({
      played: true,
      playCount: 3,
      positionMs: 1_234_567,
      lastPlayedAt: new Date("2024-08-02T22:51:23.123Z"),
      rating: 7.5,
      isFavorite: true,
    });
    expect(toUserData(undefined)).toMatchObject({
      played: false,
      playCount: 0,
      lastPlayedAt: null,
      rating: null,
    });
    expect(toUserData({ PlayCount: null, Played: false }).playCount).toBe(0);
  });

  it("parses server dates leniently and treats .NET's minimum as never", () => {
    expect(parseServerDate("2024-08-02T22:51:23.0000000Z")?.toISOString()).toBe("2024-08-02T22:51:23.000Z");
    expect(parseServerDate("2024-08-02T22:51:23")?.toISOString()).toBe("2024-08-02T22:51:23.000Z");
    expect(parseServerDate("2024-08-02T22:51:23+02:00")?.toISOString()).toBe("2024-08-02T20:51:23.000Z");
    expect(parseServerDate("0001-01-01T00:00:00.0000000Z")).toBeNull();
    expect(() => parseServerDate("yesterday")).toThrow(/unreadable date/);
  });

  it("converts libraries, falling back from ItemId to Id", () => {
    expect(toLibrary({ Name: "Films", CollectionType: "movies", ItemId: "f1", Locations: ["/m"] })).toEqual({
      id: "f1",
      name: "Films",
      kind: "movie",
      rootPaths: ["/m"],
    });
    expect(toLibrary({ Name: "TV", CollectionType: "TvShows", Id: "7" })).toMatchObject({
      id: "7",
      kind: "show",
    });
    expect(toLibrary({ Name: "Mixed", Id: "9" })).toMatchObject({ kind: "mixed" });
    expect(() => toLibrary({ Name: "Broken" })).toThrow(/library "Broken" without an ItemId/);
  });
});
