import type { Mapping } from "../config/values.js";
import { ConfigError } from "../errors.js";
import { type Library, nameKey, type Snapshot, type SourceUser } from "../model/index.js";

/** Which Plex accounts and libraries take part (names compare case-insensitively). */
export interface ScopeOptions {
  users?: readonly string[] | undefined;
  excludeUsers?: readonly string[] | undefined;
  libraries?: readonly string[] | undefined;
  excludeLibraries?: readonly string[] | undefined;
  /** Only its Plex names (`from`) are checked here; src/match/users.ts applies it. */
  userMap?: readonly Mapping[] | undefined;
}

export interface ScopeResult {
  /** The snapshot with every excluded user and library removed without a trace. */
  snapshot: Snapshot;
  /** How much was left out; numbers only, never names. */
  excluded: { users: number; libraries: number; items: number };
  /** Which state and history rows stay, for rows kept outside the snapshot (model/rows.ts). */
  keepRow: (row: { userId: string; identity: string }) => boolean;
}

/**
 * Checks that every name given matches something. A typo in an include list would silently
 * migrate nothing, and a typo in an exclude list would silently migrate someone who asked
 * to be left out, so both are configuration errors. The message lists the names one can
 * choose from (the user's own), leaving out the ones being excluded.
 */
function checkNames(
  given: readonly string[] | undefined,
  available: readonly string[],
  excluded: ReadonlySet<string>,
  flag: string,
  noun: string,
  nouns: string,
): void {
  if (!given) return;
  const known = new Set(available.map(nameKey));
  const unknown = given.filter((name) => !known.has(nameKey(name)));
  if (unknown.length === 0) return;
  const choices = [...new Set(available.filter((name) => !excluded.has(nameKey(name))))].sort((a, b) =>
    a.localeCompare(b),
  );
  throw new ConfigError(
    `${flag} names ${unknown.length === 1 ? "an unknown" : "unknown"} ${noun}: ${unknown.map((n) => JSON.stringify(n)).join(", ")}`,
    { hint: choices.length > 0 ? `Known ${nouns}: ${choices.join(", ")}` : `The source has no ${nouns}.` },
  );
}

function selected<T>(
  all: readonly T[],
  nameOf: (entry: T) => string,
  include: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
): T[] {
  const wanted = include ? new Set(include.map(nameKey)) : null;
  const unwanted = new Set((exclude ?? []).map(nameKey));
  return all.filter((entry) => {
    const key = nameKey(nameOf(entry));
    return (wanted === null || wanted.has(key)) && !unwanted.has(key);
  });
}

/**
 * Applies --users/--exclude-users/--libraries/--exclude-libraries (SEMANTICS §6). An
 * excluded user's states, history and playlists go; an excluded library's items, their
 * state and history, and its collections go; playlist entries pointing into excluded
 * libraries go and are only counted on the playlist (`excludedEntryCount`).
 */
export function applyScope(snapshot: Snapshot, options: ScopeOptions): ScopeResult {
  const excludedUserKeys = new Set((options.excludeUsers ?? []).map(nameKey));
  const excludedLibraryKeys = new Set((options.excludeLibraries ?? []).map(nameKey));
  const userNames = snapshot.users.map((user) => user.name);
  const libraryNames = snapshot.libraries.map((library) => library.name);
  checkNames(options.users, userNames, excludedUserKeys, "--users", "user", "users");
  checkNames(options.excludeUsers, userNames, excludedUserKeys, "--exclude-users", "user", "users");
  // A misspelled Plex name would leave that person's history behind without a word. Names of
  // excluded or unselected accounts are accepted: they are real, and scope drops them.
  checkNames(
    options.userMap?.map((entry) => entry.from),
    userNames,
    excludedUserKeys,
    "--user-map",
    "user",
    "users",
  );
  checkNames(options.libraries, libraryNames, excludedLibraryKeys, "--libraries", "library", "libraries");
  checkNames(
    options.excludeLibraries,
    libraryNames,
    excludedLibraryKeys,
    "--exclude-libraries",
    "library",
    "libraries",
  );

  const users: SourceUser[] = selected(snapshot.users, (u) => u.name, options.users, options.excludeUsers);
  const libraries: Library[] = selected(
    snapshot.libraries,
    (l) => l.name,
    options.libraries,
    options.excludeLibraries,
  );
  const userIds = new Set(users.map((user) => user.id));
  const libraryIds = new Set(libraries.map((library) => library.id));

  const items = snapshot.items.filter((item) => libraryIds.has(item.libraryId));
  const droppedItemKeys = new Set(
    snapshot.items.filter((item) => !libraryIds.has(item.libraryId)).map((item) => item.key),
  );
  // State belongs to an identity; it goes only when every item carrying it was excluded.
  // Identities no item carries (orphans) are not in any library and stay as they were.
  const keptIdentities = new Set(items.map((item) => item.identity));
  const droppedIdentities = new Set(
    snapshot.items.filter((item) => !keptIdentities.has(item.identity)).map((item) => item.identity),
  );
  const keepRow = (row: { userId: string; identity: string }) =>
    userIds.has(row.userId) && !droppedIdentities.has(row.identity);

  const playlists = snapshot.playlists
    .filter((playlist) => userIds.has(playlist.ownerUserId))
    .map((playlist) => {
      if (playlist.entries === null) return { ...playlist };
      const entries = playlist.entries.filter((key) => !droppedItemKeys.has(key));
      const dropped = playlist.entries.length - entries.length;
      return { ...playlist, entries, excludedEntryCount: (playlist.excludedEntryCount ?? 0) + dropped };
    });

  return {
    snapshot: {
      ...snapshot,
      users,
      libraries,
      items,
      states: snapshot.states.filter(keepRow),
      history: snapshot.history.filter(keepRow),
      playlists,
      collections: snapshot.collections
        .filter((collection) => libraryIds.has(collection.libraryId))
        .map((collection) => ({
          ...collection,
          memberKeys: collection.memberKeys?.filter((key) => !droppedItemKeys.has(key)) ?? null,
        })),
    },
    excluded: {
      users: snapshot.users.length - users.length,
      libraries: snapshot.libraries.length - libraries.length,
      items: droppedItemKeys.size,
    },
    keepRow,
  };
}
