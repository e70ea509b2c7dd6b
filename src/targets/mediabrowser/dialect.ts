import type { Query } from "../../http/client.js";
import type { TargetFeatures, TargetKind } from "../../model/index.js";

/** A request as a dialect spells it; query keys in the server's own casing. */
export interface Route {
  path: string;
  query?: Query;
}

/** What the adapter needs beyond the public features (kept out of the shared model). */
export interface DialectAbilities extends TargetFeatures {
  /** Playlist entries can be removed with an admin API key (Jellyfin 10.9–10.10 cannot). */
  playlistEntryRemoval: boolean;
}

/**
 * Every difference between Jellyfin and Emby (and between their versions) lives here; the
 * adapter never compares kinds or versions. Both dialect files keep this member order.
 */
export interface Dialect {
  readonly kind: TargetKind;
  readonly version: string;

  // routes
  /** Item listing; with a user, user data comes along. */
  items(userId?: string): Route;
  /** One item's user data: `userData` answers a UserItemDataDto, `item` a BaseItemDto holding one. */
  userData(userId: string, itemId: string): Route & { answer: "userData" | "item" };
  /** Absolute partial user-data write; null where the version has none (Jellyfin 10.8). */
  userDataWrite(userId: string, itemId: string): Route | null;
  /** Clears the rating (DELETE). */
  rating(userId: string, itemId: string): Route;
  /** Marks unplayed (DELETE): the only way to clear LastPlayedDate. */
  played(userId: string, itemId: string): Route;
  libraries(): Route & { paged: boolean };
  users(): Route & { paged: boolean };
  /** Sets a password after creation, or null when creation takes it. */
  password(userId: string): Route | null;
  user(userId: string): Route;
  item(itemId: string): Route;
  /** Playlist creation: body on Jellyfin, query only on Emby (a JSON body makes Emby fail). */
  createPlaylist(userId: string, name: string, itemIds: readonly string[]): Route & { body?: unknown };
  playlistItems(playlistId: string, userId: string): Route;
  removePlaylistEntries(playlistId: string, entryIds: readonly string[]): Route;
  collections(): Route;
  collectionItems(collectionId: string, itemIds: readonly string[]): Route;

  // auth
  headers(apiKey: string, deviceId: string, clientVersion: string): Record<string, string>;

  // formats
  /** Casing of query parameter names (camelCase on Jellyfin, PascalCase on Emby). */
  param(name: string): string;
  /** Item and user ids as the server writes them. */
  readonly idPattern: RegExp;
  /** LastPlayedDate in write bodies. */
  writeDate(date: Date): string;
  /** Writes carry the full intended object, not only the changed fields. */
  readonly fullUserDataWrites: boolean;
  /** Fields list queries need for complete user data (Emby hides PlayCount/LastPlayedDate). */
  readonly userDataFields: readonly string[];

  // names
  readonly userNamePattern: RegExp;

  // features
  readonly abilities: DialectAbilities;
}

/** The MediaBrowser Authorization header: the one form every supported version accepts. */
export function mediaBrowserAuthorization(apiKey: string, deviceId: string, clientVersion: string): string {
  const pairs = {
    Client: "plexodus",
    Device: "plexodus-cli",
    DeviceId: deviceId,
    Version: clientVersion,
    Token: apiKey,
  };
  const text = Object.entries(pairs)
    .map(([key, value]) => `${key}="${encodeURIComponent(value)}"`)
    .join(", ");
  return `MediaBrowser ${text}`;
}

/** Applies a dialect's parameter casing to a query written in camelCase. */
export function casedQuery(dialect: Pick<Dialect, "param">, query: Query): Query {
  const out: Record<string, Query[string]> = {};
  for (const [key, value] of Object.entries(query)) out[dialect.param(key)] = value;
  return out;
}

export function segment(id: string): string {
  return encodeURIComponent(id);
}

/** "10.11.11" → [10, 11]; "4.8.11.0" → [4, 8]. */
export function majorMinor(version: string): [number, number] {
  const [major = Number.NaN, minor = Number.NaN] = version.split(".").map(Number);
  return [major, minor];
}
