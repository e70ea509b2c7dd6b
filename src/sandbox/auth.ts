import type { IncomingHttpHeaders } from "node:http";
import { unauthorized } from "./http-error.js";
import { jellyfinAtLeast, type Personality } from "./personality.js";
import type { QueryParams } from "./query.js";
import type { Store } from "./store.js";

/** Who is calling: an API key (admin, no user) or a user's session token. */
export interface Caller {
  isApiKey: boolean;
  /** null for an API key (Jellyfin's empty GUID). */
  userId: string | null;
  isAdmin: boolean;
  /** Client/Device/DeviceId/Version from the authorization header, when given. */
  client: Record<string, string>;
}

export interface AuthSettings {
  apiKey: string;
  revoked: boolean;
  /** Jellyfin 10.11+ EnableLegacyAuthorization (ignored by earlier Jellyfin and by Emby). */
  legacyAuthorization: boolean;
}

/**
 * EnableLegacyAuthorization as a fresh server has it: on in 10.11 (#13306), off in 12.0, where
 * a migration also turns it off on upgrade (target-apis §12.2).
 */
export function legacyAuthorizationDefault(personality: Personality): boolean {
  return !jellyfinAtLeast(personality, "12.0");
}

/** `MediaBrowser Client="a", Token="b"` → scheme and key/value pairs (values URL-decoded). */
export function parseAuthorization(
  header: string,
): { scheme: string; values: Record<string, string> } | null {
  const match = /^\s*(\S+)\s+(.*)$/s.exec(header);
  if (!match) return null;
  const values: Record<string, string> = {};
  for (const part of match[2]!.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      values[key] = decodeURIComponent(value);
    } catch {
      values[key] = value;
    }
  }
  return { scheme: match[1]!, values };
}

/**
 * Every form a request carries a credential in, whether this server reads it or not, named
 * without its value: "Authorization: MediaBrowser", "X-Emby-Token", "api_key" … (the request
 * log keeps them, so tests can show a client never sent a legacy form).
 */
export function credentialForms(headers: IncomingHttpHeaders, search: URLSearchParams): string[] {
  const forms: string[] = [];
  for (const name of ["authorization", "x-emby-authorization"]) {
    const parsed = parseAuthorization(header(headers, name) ?? "");
    if (parsed && (parsed.values.Token ?? parsed.values.token))
      forms.push(`${name === "authorization" ? "Authorization" : "X-Emby-Authorization"}: ${parsed.scheme}`);
  }
  if (header(headers, "x-emby-token")) forms.push("X-Emby-Token");
  if (header(headers, "x-mediabrowser-token")) forms.push("X-MediaBrowser-Token");
  for (const key of search.keys()) {
    if (key === "api_key" || key.toLowerCase() === "apikey") forms.push(key);
  }
  return forms;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The authorization dictionary the server reads, in the order it looks (JF AuthorizationContext). */
function authDictionary(
  headers: IncomingHttpHeaders,
  personality: Personality,
  legacy: boolean,
): Record<string, string> | null {
  const fromHeader = (name: string, schemes: string[]) => {
    const raw = header(headers, name);
    if (!raw) return null;
    const parsed = parseAuthorization(raw);
    if (!parsed || !schemes.includes(parsed.scheme.toLowerCase())) return null;
    return parsed.values;
  };
  if (personality.kind === "emby") {
    return (
      fromHeader("authorization", ["emby", "mediabrowser"]) ??
      fromHeader("x-emby-authorization", ["emby", "mediabrowser"])
    );
  }
  if (!personality.atLeast("10.11")) {
    return (
      fromHeader("x-emby-authorization", ["emby", "mediabrowser"]) ??
      fromHeader("authorization", ["emby", "mediabrowser"])
    );
  }
  const schemes = legacy ? ["mediabrowser", "emby"] : ["mediabrowser"];
  return (
    fromHeader("authorization", schemes) ??
    (legacy ? fromHeader("x-emby-authorization", ["mediabrowser", "emby"]) : null)
  );
}

function findToken(
  headers: IncomingHttpHeaders,
  query: QueryParams,
  personality: Personality,
  dictionary: Record<string, string> | null,
  legacy: boolean,
): string | undefined {
  const fromDictionary = dictionary?.Token ?? dictionary?.token;
  if (fromDictionary) return fromDictionary;
  if (personality.kind === "emby") return header(headers, "x-emby-token") ?? query.get("api_key");
  if (legacy) {
    const token = header(headers, "x-emby-token") ?? header(headers, "x-mediabrowser-token");
    if (token) return token;
  }
  const apiKey = query.get("ApiKey");
  if (apiKey) return apiKey;
  return legacy ? query.get("api_key") : undefined;
}

/**
 * Resolves the caller: null when no credentials were sent; throws 401 for a token the server
 * does not know (or a revoked API key, or a disabled user's token).
 */
export function resolveCaller(
  headers: IncomingHttpHeaders,
  query: QueryParams,
  personality: Personality,
  store: Store,
  settings: AuthSettings,
): { caller: Caller | null; client: Record<string, string> } {
  // Jellyfin before 10.11 has no switch: legacy forms always work.
  const legacy = personality.kind === "emby" || !personality.atLeast("10.11") || settings.legacyAuthorization;
  const dictionary = authDictionary(headers, personality, legacy);
  const token = findToken(headers, query, personality, dictionary, legacy);
  const client = { ...(dictionary ?? {}) };
  delete client.Token;
  delete client.token;
  if (!token) return { caller: null, client };
  if (token === settings.apiKey) {
    if (settings.revoked) throw unauthorized();
    return { caller: { isApiKey: true, userId: null, isAdmin: true, client }, client };
  }
  const session = store.tokens.get(token);
  if (!session) throw unauthorized();
  const user = store.userById(session.userId);
  if (!user) throw unauthorized();
  if (user.isDisabled) throw unauthorized("User account has been disabled.");
  return { caller: { isApiKey: false, userId: user.id, isAdmin: user.isAdmin, client }, client };
}
