import { describe, expect, it } from "vitest";
import { parseExternalIdTag, parseGuid } from "../../../src/readers/plex-db/guid.js";

describe("parseGuid", () => {
  it("new agents, local and none guids carry no ids", () => {
    for (const guid of [
      "plex://movie/5d7768ba96b655001fdc0408",
      "plex://episode/5d9c1276e9d5a1001f4ff2fa",
      "local://12345",
      "collection://0b8c9a0e-1f7e-4a44-9f0c-2d7e1b8a3c11",
      "com.plexapp.agents.none://5f1c3a?lang=xn",
      "com.plexapp.agents.lastfm://Radiohead/OK%20Computer?lang=en",
      "iva://api.internetvideoarchive.com/2.0/DataService/VideoAssets(123)",
      "",
    ]) {
      expect(parseGuid(guid), guid).toEqual({
        ids: {},
        showIds: {},
        season: null,
        episode: null,
        problem: null,
      });
    }
  });

  it("legacy IMDb movie agent, query stripped", () => {
    expect(parseGuid("com.plexapp.agents.imdb://tt0111161?lang=en").ids).toEqual({ imdb: "tt0111161" });
    expect(parseGuid("com.plexapp.agents.imdb://tt0111161").ids).toEqual({ imdb: "tt0111161" });
  });

  it("TMDb agent: movie id, and TV paths naming the series", () => {
    expect(parseGuid("com.plexapp.agents.themoviedb://278?lang=en").ids).toEqual({ tmdb: "278" });
    expect(parseGuid("com.plexapp.agents.tmdb://603?lang=de").ids).toEqual({ tmdb: "603" });
    expect(parseGuid("com.plexapp.agents.themoviedb://1396/1/2?lang=en")).toEqual({
      ids: {},
      showIds: { tmdb: "1396" },
      season: 1,
      episode: 2,
      problem: null,
    });
  });

  it("TheTVDB show / season / episode chain", () => {
    expect(parseGuid("com.plexapp.agents.thetvdb://81189?lang=en").ids).toEqual({ tvdb: "81189" });
    const season = parseGuid("com.plexapp.agents.thetvdb://81189/3?lang=en");
    expect(season).toMatchObject({ ids: {}, showIds: { tvdb: "81189" }, season: 3, episode: null });
    const episode = parseGuid("com.plexapp.agents.thetvdb://121361/6/1?lang=en");
    expect(episode).toMatchObject({ ids: {}, showIds: { tvdb: "121361" }, season: 6, episode: 1 });
    expect(parseGuid("com.plexapp.agents.thetvdb://81189/0/5?lang=en")).toMatchObject({
      season: 0,
      episode: 5,
    });
  });

  it("HAMA anime agent", () => {
    expect(parseGuid("com.plexapp.agents.hama://anidb-1234?lang=en").ids).toEqual({ anidb: "1234" });
    expect(parseGuid("com.plexapp.agents.hama://tvdb-81189/1/1?lang=en")).toMatchObject({
      ids: {},
      showIds: { tvdb: "81189" },
      season: 1,
      episode: 1,
    });
    // Numbering modes (tvdb2-, anidb2-) renumber episodes: keep the show id, drop the numbers.
    expect(parseGuid("com.plexapp.agents.hama://tvdb2-81189/1/25?lang=en")).toMatchObject({
      showIds: { tvdb: "81189" },
      season: null,
      episode: null,
    });
    expect(parseGuid("com.plexapp.agents.hama://anidb2-1234?lang=en").ids).toEqual({ anidb: "1234" });
    expect(parseGuid("com.plexapp.agents.hama://imdb-tt0111161?lang=en").ids).toEqual({ imdb: "tt0111161" });
    expect(parseGuid("com.plexapp.agents.hama://tmdb-278?lang=en").ids).toEqual({ tmdb: "278" });
  });

  it("NFO agents", () => {
    expect(parseGuid("com.plexapp.agents.xbmcnfo://tt0133093?lang=xx").ids).toEqual({ imdb: "tt0133093" });
    expect(parseGuid("com.plexapp.agents.xbmcnfo://603?lang=xx").ids).toEqual({ tmdb: "603" });
    expect(parseGuid("com.plexapp.agents.xbmcnfotv://81189/1/1?lang=xx")).toMatchObject({
      showIds: { tvdb: "81189" },
      season: 1,
      episode: 1,
    });
  });

  it("reports id-carrying guids it cannot read instead of guessing", () => {
    for (const guid of [
      "com.plexapp.agents.imdb://0111161?lang=en",
      "com.plexapp.agents.imdb://?lang=en",
      "com.plexapp.agents.thetvdb://abc/1/1?lang=en",
      "com.plexapp.agents.thetvdb://81189/1/1/9?lang=en",
      "com.plexapp.agents.themoviedb://x?lang=en",
      "com.plexapp.agents.hama://kitsu-12?lang=en",
      "com.plexapp.agents.xbmcnfo://weird?lang=xx",
    ]) {
      const parsed = parseGuid(guid);
      expect(parsed.problem, guid).toContain(guid);
      expect(parsed.ids, guid).toEqual({});
      expect(parsed.showIds, guid).toEqual({});
    }
  });
});

describe("parseExternalIdTag", () => {
  it("reads the three main providers and MusicBrainz", () => {
    expect(parseExternalIdTag("imdb://tt0133093")).toEqual({ provider: "imdb", value: "tt0133093" });
    expect(parseExternalIdTag("tmdb://603")).toEqual({ provider: "tmdb", value: "603" });
    expect(parseExternalIdTag("TVDB://169")).toEqual({ provider: "tvdb", value: "169" });
    expect(parseExternalIdTag("mbid://a74b1b7f-71a5-4011-9441-d0b5e4122711")?.provider).toBe("mbid");
  });

  it("ignores unknown schemes and malformed values", () => {
    expect(parseExternalIdTag("letterboxd://the-matrix")).toBeNull();
    expect(parseExternalIdTag("imdb://603")).toBeNull();
    expect(parseExternalIdTag("tmdb://tt0133093")).toBeNull();
    expect(parseExternalIdTag("Action")).toBeNull();
  });
});
