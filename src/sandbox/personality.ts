import type { Caller } from "./auth.js";
import type { SandboxKind } from "./ids.js";
import type { UserDataNotifier } from "./notifier.js";
import type { QueryParams } from "./query.js";
import type { Store } from "./store.js";

/** One server kind at one version: its route table and the switches its semantics need. */
export interface Personality {
  kind: SandboxKind;
  /** "10.11", "4.8" … */
  version: string;
  /** As /System/Info/Public reports it: "10.11.11", "4.8.11.0". */
  fullVersion: string;
  /** Name of the trimmed OpenAPI extract in src/sandbox/openapi (without .json). */
  spec: string;
  /** Version comparison on major.minor within the kind: atLeast("10.9"), atLeast("4.8"). */
  atLeast(version: string): boolean;
  routes: Route[];
}

export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface RouteContext {
  personality: Personality;
  store: Store;
  caller: Caller | null;
  /** Client/Device/DeviceId/Version from the authorization header, even without a token. */
  authClient: Record<string, string>;
  /** The URL clients reach this server at. */
  baseUrl: string;
  params: Record<string, string>;
  query: QueryParams;
  body: unknown;
  /** The raw body text and its content type, for routes that care (Emby playlist creation). */
  rawBody: string;
  contentType: string;
  now(): Date;
  /** Jellyfin's user-data change notifier (10.9 and later), where the sandbox models it (notifier.ts). */
  notifier?: UserDataNotifier;
}

export interface Route {
  method: "GET" | "POST" | "DELETE";
  /** Template with {name} segments, matched case-insensitively like ASP.NET/ServiceStack routes. */
  path: string;
  /** The documented operation this route is validated against ("GET /Items"); default its own. */
  operation?: string;
  /** Not in the spec (Jellyfin's hidden legacy routes, Emby's undocumented ones). */
  hidden?: boolean;
  /** Schema (JSON Schema, may $ref the extract) for responses of undocumented routes. */
  responseSchema?: unknown;
  /** Query parameters the server's own docs name although its spec omits them. */
  extraParams?: string[];
  auth: "none" | "user" | "admin";
  handler(context: RouteContext): Reply | Promise<Reply>;
}

export const FULL_VERSIONS: Readonly<Record<string, string>> = {
  "jellyfin@10.8": "10.8.13",
  "jellyfin@10.9": "10.9.11",
  "jellyfin@10.10": "10.10.7",
  "jellyfin@10.11": "10.11.11",
  // Tags are two-part (v12.0) but the server reports three (target-apis §12.1).
  "jellyfin@12.0": "12.0.0",
  "emby@4.7": "4.7.5.0",
  "emby@4.8": "4.8.11.0",
  "emby@4.9": "4.9.3.0",
  // The release the [obs] facts of target-apis §13 were measured against.
  "emby@4.10": "4.10.1.0",
};

export const SUPPORTED_VERSIONS: Readonly<Record<SandboxKind, readonly string[]>> = {
  jellyfin: ["10.8", "10.9", "10.10", "10.11", "12.0"],
  emby: ["4.7", "4.8", "4.9", "4.10"],
};

/**
 * The version a sandbox serves when none is asked for: the release people install now for
 * Jellyfin. Emby 4.10 is served on request only: its document is borrowed from 4.9 (below).
 */
export const DEFAULT_VERSIONS: Readonly<Record<SandboxKind, string>> = {
  jellyfin: "12.0",
  emby: "4.9",
};

/**
 * The personality that behaves like a server reporting `reported` ("10.11.11", "4.8.11.0"):
 * the newest known version not newer than it, so a release newer than any known gets the
 * newest, and one older than any (which the adapter refuses anyway) the oldest.
 */
export function closestVersion(kind: SandboxKind, reported: string): string {
  const versions = SUPPORTED_VERSIONS[kind];
  const wanted = reported.split(".").slice(0, 2).join(".");
  let best = versions[0]!;
  for (const version of versions) if (compareVersions(version, wanted) <= 0) best = version;
  return best;
}

/**
 * Personalities validated against another version's extract because theirs is not stored.
 * Emby 4.10: UNCERTAIN — an official 4.10.0.40 document exists but no copy is available
 * (target-apis §13); third-party definitions list the same routes for what this sandbox serves.
 */
const BORROWED_SPECS: Readonly<Record<string, string>> = {
  "emby@4.10": "emby-4.9",
};

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** `reportedVersion` replaces what /System/Info/Public says (tests of newer and older servers). */
export function basePersonality(
  kind: SandboxKind,
  version: string,
  reportedVersion?: string,
): Omit<Personality, "routes"> {
  return {
    kind,
    version,
    fullVersion: reportedVersion ?? FULL_VERSIONS[`${kind}@${version}`]!,
    spec: BORROWED_SPECS[`${kind}@${version}`] ?? `${kind}-${version}`,
    atLeast: (other) => compareVersions(version, other) >= 0,
  };
}

/** A Jellyfin personality at or above this version (false for Emby, whose numbers are lower). */
export function jellyfinAtLeast(p: Pick<Personality, "kind" | "atLeast">, version: string): boolean {
  return p.kind === "jellyfin" && p.atLeast(version);
}
