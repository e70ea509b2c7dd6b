import { optionLabel } from "../../config/options.js";
import type { UserNameRule } from "../../model/index.js";
import {
  atLeast,
  type Dialect,
  type DialectFamily,
  mediaBrowserAuthorization,
  nameChar,
  type Route,
  STRICT_NAME_CHAR,
  segment as s,
} from "../mediabrowser/dialect.js";

/** Jellyfin user names 10.8–10.10 (JF UserManager.cs); .NET `\w` is Unicode-aware. */
export const JELLYFIN_USER_NAME_10_8 = /^[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@]+$/u;
/** Jellyfin 10.11 adds `+` and rejects leading/trailing whitespace. */
export const JELLYFIN_USER_NAME_10_11 = /^(?!\s)[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@+]+(?<!\s)$/u;

/** Jellyfin 12 also refuses the names `.` and `..` (UserManager.ThrowIfInvalidUsername). */
export const JELLYFIN_USER_NAME_12 = /^(?!\.{1,2}$)(?!\s)[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@+]+(?<!\s)$/u;
const RESERVED_12 = [".", ".."];

const NAME_CHAR_10_11 = nameChar(String.raw` \-'._@+`);

function userNames(version: string): UserNameRule {
  const plus = atLeast(version, [10, 11]);
  const twelve = atLeast(version, [12, 0]);
  return {
    server: `jellyfin ${version}`,
    accepts: twelve ? JELLYFIN_USER_NAME_12 : plus ? JELLYFIN_USER_NAME_10_11 : JELLYFIN_USER_NAME_10_8,
    char: plus ? NAME_CHAR_10_11 : STRICT_NAME_CHAR,
    ...(twelve ? { reserved: RESERVED_12 } : {}),
  };
}

/**
 * Jellyfin 10.8–12.x: 10.8 has only user-scoped routes; 10.9 moved them to a `userId` query.
 * 12.x needs nothing of its own here: the Authorization header every version gets is the one
 * form 12.x still reads, its `/Items` recursion change is met by the explicit queries of the
 * adapter, and its duplicate-keeping playlists by the executor appending only missing items.
 */
export function jellyfinDialect(version: string): Dialect {
  const legacy = !atLeast(version, [10, 9]);
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
    // Observed on 12.0: an API-key listing without it shows a BoxSet instead of its movies.
    listing: { collapseBoxSetItems: false },

    userNames: userNames(version),

    abilities: {
      userDataWrite: !legacy,
      privatePlaylists: true,
      // 10.9–10.10 check the caller's own identity, which an API key does not have (400).
      playlistEntryRemoval: legacy || atLeast(version, [10, 11]),
    },
    hints: {
      noUserDataWrite:
        "Watched state cannot be migrated exactly to this version; upgrade to Jellyfin 10.9 or later.",
      noPlaylistEntryRemoval:
        "Jellyfin 10.9 and 10.10 only let the playlist's owner remove entries; upgrade to 10.11 or edit by hand.",
      playlistItemsDropped: "Jellyfin 10.8 drops items whose media type differs from the playlist's.",
    },
  };
}

export const JELLYFIN: DialectFamily = {
  kind: "jellyfin",
  recognizes: (info) => info.ProductName === "Jellyfin Server",
  // 12.1 is a bug-fix release of 12.0 with no change to the routes plexodus uses (target-apis §12.10).
  versions: { oldest: [10, 8], newest: [12, 1] },
  service: {
    name: "Jellyfin",
    credential: "API key",
    credentialOption: optionLabel("targetApiKey"),
    credentialHelp:
      "it must be an API key created by an administrator (Dashboard → API Keys). Jellyfin 12 (and 10.11 " +
      "with legacy authorization off) reads the key only from the Authorization header, which plexodus " +
      "sends; a reverse proxy that strips that header causes the same error.",
    urlOption: optionLabel("targetUrl"),
    urlParts: "scheme, host, port and any base path such as /jellyfin",
  },
  dialect: jellyfinDialect,
};
