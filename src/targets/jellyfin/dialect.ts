import {
  type Dialect,
  majorMinor,
  mediaBrowserAuthorization,
  type Route,
  segment as s,
} from "../mediabrowser/dialect.js";

/** Jellyfin user names 10.8–10.10 (JF UserManager.cs); .NET `\w` is Unicode-aware. */
export const JELLYFIN_USER_NAME_10_8 = /^[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@]+$/u;
/** Jellyfin 10.11 adds `+` and rejects leading/trailing whitespace. */
export const JELLYFIN_USER_NAME_10_11 = /^(?!\s)[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@+]+(?<!\s)$/u;

export function jellyfinUserNamePattern(version: string): RegExp {
  const [major, minor] = majorMinor(version);
  return major > 10 || (major === 10 && minor >= 11) ? JELLYFIN_USER_NAME_10_11 : JELLYFIN_USER_NAME_10_8;
}

/** Jellyfin 10.8–10.11: 10.8 has only user-scoped routes; 10.9 moved them to a `userId` query. */
export function jellyfinDialect(version: string): Dialect {
  const [, minor] = majorMinor(version);
  const legacy = minor <= 8;
  const userItem = (userId: string, itemId: string, suffix: string, legacyPrefix: string): Route =>
    legacy
      ? { path: `/Users/${s(userId)}/${legacyPrefix}/${s(itemId)}${suffix}` }
      : { path: `/User${legacyPrefix}/${s(itemId)}${suffix}`, query: { userId } };

  return {
    kind: "jellyfin",
    version,

    items: (userId) =>
      userId === undefined
        ? { path: "/Items" }
        : legacy
          ? { path: `/Users/${s(userId)}/Items` }
          : { path: "/Items", query: { userId } },
    userData: (userId, itemId) =>
      legacy
        ? { path: `/Users/${s(userId)}/Items/${s(itemId)}`, answer: "item" }
        : { path: `/UserItems/${s(itemId)}/UserData`, query: { userId }, answer: "userData" },
    // 10.8 has no absolute write: its PlayedItems route increments PlayCount on every call.
    userDataWrite: (userId, itemId) => (legacy ? null : userItem(userId, itemId, "/UserData", "Items")),
    rating: (userId, itemId) => userItem(userId, itemId, "/Rating", "Items"),
    played: (userId, itemId) => userItem(userId, itemId, "", "PlayedItems"),
    libraries: () => ({ path: "/Library/VirtualFolders", paged: false }),
    users: () => ({ path: "/Users", paged: false }),
    password: () => null,
    user: (userId) => ({ path: `/Users/${s(userId)}` }),
    item: (itemId) => ({ path: `/Items/${s(itemId)}` }),
    // With an API key UserId is mandatory, or 10.9+ answers 400 and 10.8 makes an orphan.
    createPlaylist: (userId, name, itemIds) => ({
      path: "/Playlists",
      body: legacy
        ? { Name: name, Ids: itemIds, UserId: userId }
        : { Name: name, Ids: itemIds, UserId: userId, IsPublic: false },
    }),
    playlistItems: (playlistId, userId) => ({ path: `/Playlists/${s(playlistId)}/Items`, query: { userId } }),
    removePlaylistEntries: (playlistId, entryIds) => ({
      path: `/Playlists/${s(playlistId)}/Items`,
      query: { entryIds },
    }),
    collections: () => ({ path: "/Collections" }),
    collectionItems: (collectionId, itemIds) => ({
      path: `/Collections/${s(collectionId)}/Items`,
      query: { ids: itemIds },
    }),

    headers: (apiKey, deviceId, clientVersion) => ({
      Authorization: mediaBrowserAuthorization(apiKey, deviceId, clientVersion),
    }),

    param: (name) => name.charAt(0).toLowerCase() + name.slice(1),
    idPattern: /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
    writeDate: (date) => date.toISOString(),
    fullUserDataWrites: false,
    userDataFields: [],

    userNamePattern: jellyfinUserNamePattern(version),

    abilities: {
      userDataWrite: !legacy,
      privatePlaylists: true,
      // 10.9–10.10 check the caller's own identity, which an API key does not have (400).
      playlistEntryRemoval: legacy || minor >= 11,
    },
  };
}
