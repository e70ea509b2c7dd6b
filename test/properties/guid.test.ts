import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ParsedGuid, parseExternalIdTag, parseGuid } from "../../src/readers/plex-db/guid.js";

/** Property tests of the Plex guid parser (reference/plex-database.md §5.1). */

const AGENTS = [
  "imdb",
  "themoviedb",
  "tmdb",
  "thetvdb",
  "thetvdbdvd",
  "hama",
  "xbmcnfo",
  "xbmcnfotv",
  "none",
  "lastfm",
];
const anyText = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }));
const agentGuid = fc
  .tuple(fc.constantFrom(...AGENTS), anyText, fc.constantFrom("", "?lang=en", "?lang=de#x", "%", "%E0%A4%A"))
  .map(([agent, path, tail]) => `com.plexapp.agents.${agent}://${path}${tail}`);
const lang = fc.stringMatching(/^[a-z]{2}(-[A-Z]{2})?$/);
const imdbId = fc.integer({ min: 10_000, max: 99_999_999 }).map((n) => `tt${String(n).padStart(7, "0")}`);
const number = fc.integer({ min: 0, max: 10_000_000 }).map(String);

/** What a guid means, without the wording of a problem (which quotes the guid itself). */
function meaning(parsed: ParsedGuid) {
  return { ...parsed, problem: parsed.problem !== null };
}

describe("guid parser properties", () => {
  it("never throws, and always answers the documented shape, on any string", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, agentGuid), (guid) => {
        const parsed = parseGuid(guid);
        expect(typeof parsed.ids).toBe("object");
        expect(typeof parsed.showIds).toBe("object");
        expect(parsed.season === null || Number.isInteger(parsed.season)).toBe(true);
        expect(parsed.episode === null || Number.isInteger(parsed.episode)).toBe(true);
        expect(parsed.problem === null || typeof parsed.problem === "string").toBe(true);
        expect(() => parseExternalIdTag(guid)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips the known id-carrying forms", () => {
    fc.assert(
      fc.property(imdbId, number, number, number, lang, (imdb, id, season, episode, l) => {
        expect(parseGuid(`com.plexapp.agents.imdb://${imdb}?lang=${l}`).ids).toEqual({ imdb });
        expect(parseGuid(`com.plexapp.agents.themoviedb://${id}?lang=${l}`).ids).toEqual({ tmdb: id });
        expect(parseGuid(`com.plexapp.agents.thetvdb://${id}?lang=${l}`).ids).toEqual({ tvdb: id });
        const episodeGuid = parseGuid(`com.plexapp.agents.thetvdb://${id}/${season}/${episode}?lang=${l}`);
        expect(episodeGuid).toMatchObject({
          ids: {},
          showIds: { tvdb: id },
          season: Number(season),
          episode: Number(episode),
          problem: null,
        });
        expect(parseGuid(`com.plexapp.agents.hama://anidb-${id}?lang=${l}`).ids).toEqual({ anidb: id });
        expect(parseExternalIdTag(`imdb://${imdb}`)).toEqual({ provider: "imdb", value: imdb });
        expect(parseExternalIdTag(`tmdb://${id}`)).toEqual({ provider: "tmdb", value: id });
      }),
    );
  });

  it("a ?lang= suffix never changes what a guid means", () => {
    const base = fc.oneof(
      agentGuid.map((g) => g.replace(/[?#].*$/, "")),
      imdbId.map((id) => `com.plexapp.agents.imdb://${id}`),
      fc.tuple(number, number).map(([a, b]) => `com.plexapp.agents.thetvdb://${a}/${b}`),
    );
    fc.assert(
      fc.property(
        base.filter((g) => g === g.trim()),
        lang,
        (guid, l) => {
          expect(meaning(parseGuid(`${guid}?lang=${l}`))).toEqual(meaning(parseGuid(guid)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("an id-carrying agent's unreadable guid is reported, never read as some other id", () => {
    fc.assert(
      fc.property(fc.constantFrom("imdb", "thetvdb", "themoviedb"), anyText, (agent, junk) => {
        const parsed = parseGuid(`com.plexapp.agents.${agent}://${junk}`);
        const ids = [...Object.values(parsed.ids), ...Object.values(parsed.showIds)];
        // Either a clean id that appears literally in the guid, or a reported problem.
        let decoded = junk;
        try {
          decoded = decodeURIComponent(junk);
        } catch {}
        if (parsed.problem === null)
          for (const id of ids) expect(`${junk}\n${decoded}`).toContain(String(id));
        else expect(ids).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
