import type { SandboxKind } from "./ids.js";
import {
  basePersonality,
  jellyfinAtLeast,
  type Personality,
  type Route,
  SUPPORTED_VERSIONS,
} from "./personality.js";
import { collectionRoutes } from "./routes/collections.js";
import { itemRoutes } from "./routes/items.js";
import { playlistRoutes } from "./routes/playlists.js";
import { userDataRoutes } from "./routes/userdata.js";
import { systemRoutes, userRoutes } from "./routes/users.js";
import type { PlaylistRules, Store, StoredItem } from "./store.js";

/**
 * Builds a personality: the shared item store is served through this kind/version's route
 * table. `reportedVersion` changes only the version the server reports, not how it behaves.
 */
export function personality(kind: SandboxKind, version: string, reportedVersion?: string): Personality {
  if (!SUPPORTED_VERSIONS[kind].includes(version)) {
    throw new Error(
      `unsupported ${kind} version ${version} (supported: ${SUPPORTED_VERSIONS[kind].join(", ")})`,
    );
  }
  const base = basePersonality(kind, version, reportedVersion);
  const partial: Personality = { ...base, routes: [] };
  const routes: Route[] = [
    ...systemRoutes(partial),
    ...userRoutes(partial),
    ...itemRoutes(partial),
    ...userDataRoutes(partial),
    ...playlistRoutes(partial),
    ...collectionRoutes(partial),
  ];
  return { ...base, routes };
}

export function playlistRulesFor(kind: SandboxKind, version: string): PlaylistRules {
  const base = basePersonality(kind, version);
  return {
    keepDuplicates: jellyfinAtLeast(base, "12.0"),
    entryIdIsItemId: jellyfinAtLeast(base, "10.10"),
  };
}

const pad3 = (n: number | undefined) => String(n ?? 0).padStart(3, "0");

/**
 * Where user data lives. Jellyfin ≤10.10 keys it by provider ids (movie: IMDb/TMDb id; episode:
 * series key + SSSEEE), so items sharing those ids share watched state (target-apis §5.2, §9.19).
 * Jellyfin 10.11+ and Emby ≤4.9: per item. Emby 4.10: films sharing a TMDb id share it ([obs]
 * in target-apis §13); UNCERTAIN which other ids and item types do, so only that case is kept.
 */
export function dataKeyFor(kind: SandboxKind, version: string): (item: StoredItem, store: Store) => string {
  const base = basePersonality(kind, version);
  if (kind === "emby" && base.atLeast("4.10")) {
    return (item) => {
      const tmdb = item.type === "Movie" ? providerId(item, "tmdb") : undefined;
      return tmdb === undefined ? item.id : `tmdb.${tmdb}`;
    };
  }
  if (kind === "emby" || base.atLeast("10.11")) return (item) => item.id;
  const providerKey = (item: StoredItem): string | undefined => {
    const ids = Object.fromEntries(Object.entries(item.providerIds).map(([k, v]) => [k.toLowerCase(), v]));
    if (item.type === "Series") return ids.tvdb ?? ids.imdb ?? ids.tmdb;
    return ids.imdb ?? ids.tmdb;
  };
  return (item, store) => {
    if (item.type === "Movie") return providerKey(item) ?? item.id;
    if (item.type === "Episode" && item.seriesId) {
      const series = store.items.get(item.seriesId);
      const seriesKey = series ? (providerKey(series) ?? series.id) : item.seriesId;
      if (item.indexNumber !== undefined)
        return `${seriesKey}${pad3(item.parentIndexNumber)}${pad3(item.indexNumber)}`;
    }
    return item.id;
  };
}

function providerId(item: StoredItem, provider: string): string | undefined {
  for (const key in item.providerIds) if (key.toLowerCase() === provider) return item.providerIds[key];
  return undefined;
}
