import { optionLabel } from "../../config/options.js";
import {
  atLeast,
  type Dialect,
  type DialectFamily,
  mediaBrowserAuthorization,
  STRICT_NAME_CHAR,
  segment as s,
} from "../mediabrowser/dialect.js";

/**
 * Emby's user-name rules are not documented [UNCERTAIN]: this only refuses what no server
 * accepts (empty, control characters, leading/trailing whitespace); the server's 400 says the rest.
 */
export const EMBY_USER_NAME = /^(?!\s)[^\p{Cc}]+(?<!\s)$/u;

/**
 * Emby 4.7–4.10: user-scoped routes, PascalCase parameters, query-only playlist creation. 4.10
 * changed nothing plexodus uses (target-apis §13): its /UserViews 404 is a route plexodus does
 * not call, and watch state shared between films of one TMDb id is read back like any other.
 */
export function embyDialect(version: string): Dialect {
  return {
    kind: "emby",
    version,

    items: (userId) => (userId === undefined ? { path: "/Items" } : { path: `/Users/${s(userId)}/Items` }),
    // The single-item GET carries PlayCount and LastPlayedDate without field gating.
    userData: (userId, itemId) => ({ path: `/Users/${s(userId)}/Items/${s(itemId)}`, answer: "item" }),
    userDataWrite: (userId, itemId) => ({ path: `/Users/${s(userId)}/Items/${s(itemId)}/UserData` }),
    rating: (userId, itemId) => ({ path: `/Users/${s(userId)}/Items/${s(itemId)}/Rating` }),
    played: (userId, itemId) => ({ path: `/Users/${s(userId)}/PlayedItems/${s(itemId)}` }),
    libraries: () => ({ path: "/Library/VirtualFolders/Query", paged: true }),
    users: () => ({ path: "/Users/Query", paged: true }),
    password: (userId) => ({ path: `/Users/${s(userId)}/Password` }),
    user: (userId) => ({ path: `/Users/${s(userId)}` }),
    item: (itemId) => ({ path: `/Items/${s(itemId)}` }),
    // UserId is documented (EmbySDK Playlists.html) though absent from the spec; ownership is
    // verified after creation because the owner of an API-key creation is [UNCERTAIN].
    createPlaylist: (userId, name, itemIds) => ({
      path: "/Playlists",
      query: { Name: name, Ids: itemIds, UserId: userId },
    }),
    playlistItems: (playlistId, userId) => ({
      path: `/Playlists/${s(playlistId)}/Items`,
      query: { UserId: userId },
    }),
    removePlaylistEntries: (playlistId, entryIds) => ({
      path: `/Playlists/${s(playlistId)}/Items`,
      query: { EntryIds: entryIds },
    }),
    collections: () => ({ path: "/Collections" }),
    collectionItems: (collectionId, itemIds) => ({
      path: `/Collections/${s(collectionId)}/Items`,
      query: { Ids: itemIds },
    }),

    headers: (apiKey, deviceId, clientVersion) => ({
      Authorization: mediaBrowserAuthorization(apiKey, deviceId, clientVersion),
      "X-Emby-Token": apiKey,
    }),

    param: (name) => name.charAt(0).toUpperCase() + name.slice(1),
    // Item and library ids are decimal strings; user and server ids 32 hex digits.
    idPattern: /^(?:\d+|[0-9a-f]{32})$/i,
    writeDate: (date) => date.toISOString(),
    // Merge vs replace is [UNCERTAIN] on Emby: the full object is right under both.
    fullUserDataWrites: true,
    userDataFields: ["UserDataPlayCount", "UserDataLastPlayedDate"],
    listing: { groupItemsIntoCollections: false },

    // Names plexodus makes keep to the strictest rule known (Jellyfin 10.8's characters, no
    // surrounding spaces): valid under every rule we know, and a refusal is loud, not wrong.
    userNames: { server: `emby ${version}`, accepts: EMBY_USER_NAME, char: STRICT_NAME_CHAR },

    abilities: {
      userDataWrite: true,
      // Before 4.8 every playlist is visible to every user, so ownership cannot be told apart.
      privatePlaylists: atLeast(version, [4, 8]),
      playlistEntryRemoval: true,
    },
    hints: {
      noPrivatePlaylists:
        "Before Emby 4.8 every playlist is visible to every user, so plexodus cannot keep them private.",
    },
  };
}

export const EMBY: DialectFamily = {
  kind: "emby",
  // Emby has no ProductName and a four-part version.
  recognizes: (info) => !info.ProductName && /^\d+\.\d+\.\d+\.\d+$/.test(info.Version),
  // 4.10.1 is the newest release whose behaviour is known (target-apis §13).
  versions: { oldest: [4, 7], newest: [4, 10, 1] },
  service: {
    name: "Emby",
    credential: "API key",
    credentialOption: optionLabel("targetApiKey"),
    credentialHelp:
      "it must be an API key created by an administrator (Dashboard → Advanced → Security → API Keys); a " +
      "reverse proxy that strips the Authorization and X-Emby-Token headers causes the same error.",
    urlOption: optionLabel("targetUrl"),
    urlParts: "scheme, host, port and any base path such as /emby",
  },
  dialect: embyDialect,
};
