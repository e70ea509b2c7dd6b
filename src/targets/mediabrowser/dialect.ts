import type { Query } from "../../http/client.js";
import type { Service } from "../../http/errors.js";
import type { TargetFeatures, TargetKind, UserNameRule } from "../../model/index.js";
import type { PublicSystemInfoWire } from "./schema.js";

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
 * What the user can do when a version lacks an ability or misbehaves, printed as the error's
 * hint. A dialect gives the ones that can happen on its kind.
 */
export interface DialectHints {
  /** `abilities.userDataWrite` is false. */
  readonly noUserDataWrite?: string;
  /** `abilities.privatePlaylists` is false. */
  readonly noPrivatePlaylists?: string;
  /** `abilities.playlistEntryRemoval` is false. */
  readonly noPlaylistEntryRemoval?: string;
  /** The server left out items it was asked to add to a playlist. */
  readonly playlistItemsDropped?: string;
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
  /**
   * What every item listing says besides recursion, types and order (context.ts `listing`), so
   * no server setting or default can fold items away: Jellyfin replaces box-set members by
   * their BoxSet unless told not to, Emby groups items into collections by preference.
   */
  readonly listing: Query;

  // names
  readonly userNames: UserNameRule;

  // features
  readonly abilities: DialectAbilities;
  readonly hints: DialectHints;
}

/** A version at the precision both servers change behaviour at: [major, minor]. */
export type MajorMinor = readonly [major: number, minor: number];

/** A version as far as it matters: [major, minor] or, for Emby releases, [major, minor, patch]. */
export type VersionParts = readonly number[];

/**
 * One kind of server before its version is known: how to tell it, which versions plexodus
 * knows, how messages name it, and the dialect of each version. Both dialect files end with
 * one of these.
 */
export interface DialectFamily {
  readonly kind: TargetKind;
  /** True when /System/Info/Public describes a server of this kind (reference §2.3). */
  recognizes(info: PublicSystemInfoWire): boolean;
  /**
   * The supported range (docs/targets.md), each end compared at its own precision. Older
   * versions are refused. `newest` is the newest release whose behaviour is known; a newer one
   * is served by the newest dialect, with a warning (families.ts).
   */
  readonly versions: { readonly oldest: VersionParts; readonly newest: VersionParts };
  /** How HTTP errors name the server and the options that fix them. */
  readonly service: Service;
  dialect(version: string): Dialect;
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

/** True when `version` is `since` or later; false for a version that cannot be read. */
export function atLeast(version: string, since: MajorMinor): boolean {
  const [major, minor] = majorMinor(version);
  return major > since[0] || (major === since[0] && minor >= since[1]);
}

/** "10.8", for messages. */
export function versionText(version: VersionParts): string {
  return version.join(".");
}

/**
 * Compares a reported version with `parts` at the precision of `parts`: "12.1.3" vs [12, 1] is
 * 0, "4.10.5.0" vs [4, 10, 1] is positive. NaN when the version cannot be read.
 */
export function compareVersion(version: string, parts: VersionParts): number {
  const numbers = version.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  for (let i = 0; i < parts.length; i++) {
    const value = numbers[i] ?? 0;
    if (Number.isNaN(value)) return Number.NaN;
    const diff = value - (parts[i] as number);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * .NET's `\w` as a character class ([\p{L}\p{Mn}\p{Nd}\p{Pc}]): both servers are .NET, and
 * Jellyfin's user-name rules are built on it.
 */
export const DOTNET_WORD = String.raw`\p{L}\p{Mn}\p{Nd}\p{Pc}`;

/**
 * One user-name character: a `\w` character or one of `punctuation`. .NET matches UTF-16
 * code units, so a character outside the Basic Multilingual Plane (two surrogates) never is one.
 */
export function nameChar(punctuation: string): RegExp {
  return new RegExp(String.raw`^(?![\u{10000}-\u{10FFFF}])[${DOTNET_WORD}${punctuation}]$`, "u");
}

/**
 * Characters of Jellyfin's 10.8–10.10 rule, the strictest known: a name made of them (without
 * surrounding spaces) is valid on every supported server, so it serves where no rule is known.
 */
export const STRICT_NAME_CHAR = nameChar(String.raw` \-'._@`);
