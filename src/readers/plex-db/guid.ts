import type { ExternalIds } from "../../model/index.js";

/**
 * What a Plex `metadata_items.guid` says about an item (reference/plex-database.md §5.1).
 *
 * New-agent guids (`plex://movie/…`) carry no external id; those come from tag_type 314 tags.
 * Legacy agents encode the id in the guid. A TV path (`…thetvdb://<show>/<season>/<episode>`)
 * names the *show*, so its id goes to `showIds` and the numbers to `season`/`episode`.
 */
export interface ParsedGuid {
  /** The item's own ids. */
  ids: ExternalIds;
  /** Ids of the show a season or episode guid names. */
  showIds: ExternalIds;
  season: number | null;
  episode: number | null;
  /**
   * Set when the guid belongs to a known id-carrying agent but could not be read: the caller
   * reports it instead of guessing.
   */
  problem: string | null;
}

const EMPTY: ParsedGuid = Object.freeze({
  ids: {},
  showIds: {},
  season: null,
  episode: null,
  problem: null,
}) as ParsedGuid;

const IMDB = /^tt\d{5,}$/;
const NUMBER = /^\d+$/;

/** Providers kept from tag_type 314 tags; unknown schemes (e.g. letterboxd) are ignored. */
export const KNOWN_PROVIDERS: ReadonlySet<string> = new Set(["imdb", "tmdb", "tvdb", "mbid", "anidb"]);

/** Reads one 314 tag (`imdb://tt0133093`) into a provider and a value; null when unusable. */
export function parseExternalIdTag(tag: string): { provider: string; value: string } | null {
  const match = /^([A-Za-z0-9_]+):\/\/(.+)$/.exec(tag.trim());
  if (!match) return null;
  const provider = match[1]!.toLowerCase();
  const value = match[2]!.trim();
  if (!KNOWN_PROVIDERS.has(provider) || value === "") return null;
  if (provider === "imdb" && !IMDB.test(value)) return null;
  if ((provider === "tmdb" || provider === "tvdb" || provider === "anidb") && !NUMBER.test(value))
    return null;
  return { provider, value };
}

export function parseGuid(guid: string): ParsedGuid {
  const match = /^com\.plexapp\.agents\.([a-z0-9_]+):\/\/([^?#]*)/i.exec(guid.trim());
  if (!match) return EMPTY; // plex://, local://, collection://, file://, iva://, … carry no ids
  const agent = match[1]!.toLowerCase();
  const path = safeDecode(match[2]!).replace(/\/+$/, "");
  switch (agent) {
    case "imdb":
      return IMDB.test(path) ? own({ imdb: path }) : problem(agent, guid);
    case "themoviedb":
    case "tmdb":
      return tvPath(path, "tmdb", agent, guid);
    case "thetvdb":
    case "thetvdbdvd":
      return tvPath(path, "tvdb", agent, guid);
    case "hama":
      return hama(path, guid);
    case "xbmcnfo":
    case "xbmcnfotv":
      return nfo(path, agent, guid);
    default:
      // none, lastfm, plexmusic, audnexus, …: no id this tool can match on.
      return EMPTY;
  }
}

function own(ids: ExternalIds): ParsedGuid {
  return { ...EMPTY, ids };
}

function problem(agent: string, guid: string): ParsedGuid {
  return { ...EMPTY, problem: `unreadable ${agent} guid "${guid}"` };
}

/** `<id>`, `<id>/<season>`, `<id>/<season>/<episode>`. */
function tvPath(path: string, provider: string, agent: string, guid: string): ParsedGuid {
  const [id = "", season, episode, ...rest] = path.split("/");
  const numbers = [season, episode].filter((n) => n !== undefined);
  if (!NUMBER.test(id) || rest.length > 0 || !numbers.every((n) => NUMBER.test(n!))) {
    return problem(agent, guid);
  }
  if (season === undefined) return own({ [provider]: id });
  return {
    ...EMPTY,
    showIds: { [provider]: id },
    season: Number(season),
    episode: episode === undefined ? null : Number(episode),
  };
}

/**
 * HAMA: `anidb-1234`, `tvdb-81189/1/1`, `tvdb2-…`, `anidb2-…`, `imdb-tt…`, `tmdb-…`. A digit
 * after the source names a HAMA numbering mode whose seasons/episodes are not the source's own,
 * so numbers are kept only for plain `tvdb-`.
 */
function hama(path: string, guid: string): ParsedGuid {
  const match = /^(anidb|tvdb|tmdb|imdb)(\d*)-([^/]+)((?:\/\d+){0,2})$/.exec(path);
  if (!match) return problem("hama", guid);
  const [, source, mode, id, tail] = match as unknown as [string, string, string, string, string];
  if (source === "imdb" ? !IMDB.test(id) : !NUMBER.test(id)) return problem("hama", guid);
  const numbers = tail.split("/").filter(Boolean).map(Number);
  if (numbers.length === 0) return own({ [source]: id });
  const keepNumbers = source === "tvdb" && mode === "";
  return {
    ...EMPTY,
    showIds: { [source]: id },
    season: keepNumbers ? (numbers[0] ?? null) : null,
    episode: keepNumbers ? (numbers[1] ?? null) : null,
  };
}

/** NFO agents write whatever id the .nfo held: `tt…` is imdb; a number is tmdb (movies) or tvdb (TV). */
function nfo(path: string, agent: string, guid: string): ParsedGuid {
  if (agent === "xbmcnfotv") return tvPath(path, "tvdb", agent, guid);
  if (IMDB.test(path)) return own({ imdb: path });
  if (NUMBER.test(path)) return own({ tmdb: path });
  return problem(agent, guid);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
