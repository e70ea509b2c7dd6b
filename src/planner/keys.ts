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

export const userKey = (userKey: string) => `user/${keyPart(userKey)}`;

export const userDataKey = (userKey: string, itemId: string, set: unknown) =>
  `userdata/${keyPart(userKey)}/${keyPart(itemId)}/${intentDigest(set)}`;

export const createPlaylistKey = (userKey: string, title: string) =>
  `playlist/${keyPart(userKey)}/${keyPart(title)}`;

export const playlistEntriesKey = (userKey: string, title: string, itemIds: readonly string[]) =>
  `playlist-entries/${keyPart(userKey)}/${keyPart(title)}/${intentDigest(itemIds)}`;

export const createCollectionKey = (title: string) => `collection/${keyPart(title)}`;

export const collectionMembersKey = (title: string, itemIds: readonly string[]) =>
  `collection-members/${keyPart(title)}/${intentDigest(itemIds)}`;
