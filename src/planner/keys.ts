import { createHash } from "node:crypto";

/**
 * Action keys. The journal is keyed by them, so a key names one intent: the same wanted
 * change planned again (a resumed run) gets the same key, while a different change to the
 * same thing (a later run after Plex moved on) gets a new one and can never be mistaken for
 * work already done. Parts are escaped so no two intents share a key.
 */
export function keyPart(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("/", "%2F");
}

/** A short, stable digest of what an action wants. */
export function intentDigest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);
}

/**
 * Joins a key's parts into one flat string. A template literal gives V8 a chain of pieces
 * (about 200 bytes for a user-data key), joining gives one string (about 80): two million
 * actions at 200,000 items × 50 users hold a key each (issue 14, scale).
 */
function key(...parts: string[]): string {
  return parts.join("/");
}

export const userKey = (userKey: string) => key("user", keyPart(userKey));

export const userDataKey = (userKey: string, itemId: string, set: unknown) =>
  key("userdata", keyPart(userKey), keyPart(itemId), intentDigest(set));

export const createPlaylistKey = (userKey: string, title: string) =>
  key("playlist", keyPart(userKey), keyPart(title));

export const playlistEntriesKey = (userKey: string, title: string, itemIds: readonly string[]) =>
  key("playlist-entries", keyPart(userKey), keyPart(title), intentDigest(itemIds));

export const createCollectionKey = (title: string) => key("collection", keyPart(title));

export const collectionMembersKey = (title: string, itemIds: readonly string[]) =>
  key("collection-members", keyPart(title), intentDigest(itemIds));
