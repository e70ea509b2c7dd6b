import type { MatchResult, UserMappingResult } from "../match/types.js";
import type { Mode, Snapshot, TargetIndex, TargetServerInfo } from "../model/index.js";
import { planCollections } from "./collections.js";
import { indexSnapshot, neededFromIndex, type SnapshotIndex } from "./context.js";
import { planMatching } from "./matching.js";
import { PackedUserData, packedActions, typeAt, userDataCategoriesAt } from "./packed.js";
import { type Action, CATEGORIES, type Category, type Plan, type PlanUserRef } from "./plan.js";
import { planPlaylists } from "./playlists.js";
import type { TargetState } from "./state.js";
import { listUnmatched } from "./unmatched.js";
import { type PlannedUser, planUsers } from "./users.js";
import { planUserData } from "./watched.js";

export interface PlanOptions {
  mode: Mode;
  kinds: ReadonlySet<Category>;
  /** Mark items rated at least this (0–10) as favorites; off when absent. */
  favoriteMinRating?: number | null | undefined;
}

export interface PlanInput {
  /** Already scoped (applyScope): excluded users and libraries are gone. */
  snapshot: Snapshot;
  users: UserMappingResult;
  matches: MatchResult;
  server: TargetServerInfo;
  state: TargetState;
  options: PlanOptions;
  now: Date;
  /** The target's items, so the pairings to review show the target's titles too. */
  target?: TargetIndex | undefined;
  /**
   * indexSnapshot(snapshot, matches), when the caller built it already to read the target
   * state: at millions of states it is large and slow enough to build once.
   */
  index?: SnapshotIndex | undefined;
  /**
   * neededFromIndex(snapshot, index, users, mode), when the caller computed it to read the
   * target state (for 1.8 million states it took about 6 s of CPU).
   */
  needed?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** User-data actions from this many on are kept as columns; default PACK_FROM (tests: 0). */
  packFrom?: number;
}

const FIELD_WORDS: Record<string, string> = {
  played: "played",
  playCount: "play counts",
  lastPlayedAt: "last played dates",
  positionMs: "resume positions",
  rating: "ratings",
  isFavorite: "favorites",
};

/** The category each action type but the user-data write counts in. */
const TYPE_CATEGORIES: Record<Exclude<Action["type"], "set-user-data">, readonly Category[]> = {
  "create-user": ["users"],
  "create-playlist": ["playlists"],
  "add-playlist-entries": ["playlists"],
  "create-collection": ["collections"],
  "add-collection-members": ["collections"],
};

/** Categories an action counts in: a user-data write counts once in each it touches. */
export function actionCategories(action: Action): readonly Category[] {
  return action.type === "set-user-data" ? action.categories : TYPE_CATEGORIES[action.type];
}

/** The categories of the action at `place`, without making it when it is packed. */
export function categoriesAt(actions: readonly Action[], place: number): readonly Category[] {
  const type = typeAt(actions, place);
  return type === "set-user-data" ? userDataCategoriesAt(actions, place) : TYPE_CATEGORIES[type];
}

export function countActions(actions: readonly Action[]): Record<Category, number> {
  const counts = Object.fromEntries(CATEGORIES.map((category) => [category, 0])) as Record<Category, number>;
  for (let i = 0; i < actions.length; i++)
    for (const category of categoriesAt(actions, i)) counts[category] += 1;
  return counts;
}

/**
 * User-data actions from this many on are kept as columns (packed.ts): a plan this big has
 * its memory in them, while smaller plans stay plain arrays of objects.
 */
const PACK_FROM = 20_000;

/**
 * Accounts whose played state the source inferred from their plays (the Plex API for everyone
 * but the owner, docs/sources.md): the same server read from its database can answer
 * differently, and the plan says where and why instead of disagreeing silently.
 */
function inferredWatchedLimitation(
  users: readonly PlannedUser[],
  kinds: ReadonlySet<Category>,
): string | null {
  if (!kinds.has("watched")) return null;
  const names = users
    .flatMap((user) => user.sources)
    .filter((source) => source.inferredFields.includes("watched"))
    .map((source) => source.name);
  if (names.length === 0) return null;
  const shown =
    names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
  return (
    `The played state of ${names.length} account(s) (${shown}) comes from their play history: the Plex API shows ` +
    "Plex's own played flag and play count only for the owner. Here an item with a play counts as played and its " +
    "plays are its play count, so an item marked played without a play (Plex 1.40 and later record none) stays " +
    "unplayed and one marked unplayed after a play comes out played; --plex-db reads Plex's own values."
  );
}

/**
 * The plan: pure and deterministic. The same inputs give a byte-identical plan, and planning
 * against the state a correct apply of it produces gives an empty plan.
 */
export function buildPlan(input: PlanInput): Plan {
  const { snapshot, server, state, options } = input;
  const favoriteMinRating = options.favoriteMinRating ?? null;
  const index = input.index ?? indexSnapshot(snapshot, input.matches);
  const users = planUsers(snapshot.users, input.users, options.kinds);
  const needed = input.needed ?? neededFromIndex(snapshot, index, input.users, options.mode);
  const canWrite = server.features.userDataWrite;
  const packed = new PackedUserData();
  const userData = planUserData(index, users.planned, needed, state, {
    mode: options.mode,
    kinds: options.kinds,
    favoriteMinRating,
    canWrite,
    packed: { into: packed, from: input.packFrom ?? PACK_FROM },
  });
  const playlists = planPlaylists(users.planned, snapshot.playlists, index, state, {
    kinds: options.kinds,
    privatePlaylists: server.features.privatePlaylists,
  });
  const collections = planCollections(snapshot.collections, index, state, options.kinds);

  // Users first, then each user's writes (user data by category and title, then playlists),
  // then the global collections.
  // Loops rather than spreads and flat(): at millions of actions each copy of the list is
  // tens of megabytes more at the peak of planning.
  const perUser = new Map<string, Array<Action | number>>(users.planned.map((user) => [user.ref.name, []]));
  const userOf = (entry: Action | number) =>
    typeof entry === "number" ? packed.userOf(entry) : (entry as { user: PlanUserRef }).user;
  for (const entry of userData.actions) perUser.get(userOf(entry).name)?.push(entry);
  userData.actions.length = 0;
  for (const action of playlists.actions) perUser.get(action.user.name)?.push(action);
  const entries: Array<Action | number> = [...users.actions];
  for (const list of perUser.values()) {
    for (const entry of list) entries.push(entry);
    list.length = 0;
  }
  for (const action of collections.actions) entries.push(action);
  const actions = packed.size > 0 ? packedActions(entries, packed) : (entries as Action[]);

  const limitations: string[] = [];
  if (!canWrite && userData.blockedItems > 0) {
    const fields = [...userData.blockedFields].map((field) => FIELD_WORDS[field] ?? field).join(", ");
    limitations.push(
      `${server.kind} ${server.version} has no absolute user-data write: ${fields} of ${userData.blockedItems} item(s) could not be migrated (upgrade the target to migrate them exactly).`,
    );
  }
  limitations.push(...playlists.limitations);
  const appends = playlists.actions.filter((action) => action.type === "add-playlist-entries").length;
  if (appends > 0 && server.features.playlistEntryRemoval === false) {
    limitations.push(
      `${server.kind} ${server.version} does not let an API key remove playlist entries: a rollback cannot undo the entries appended to ${appends} existing playlist(s).`,
    );
  }
  const partial = users.planned
    .flatMap((user) => user.sources)
    .filter((source) => source.unknownFields.length > 0);
  if (partial.length > 0) {
    limitations.push(
      `${partial.length} account(s) were read through the Plex API, which cannot tell some of their history; see skipped (unknown-in-source).`,
    );
  }
  const inferred = inferredWatchedLimitation(users.planned, options.kinds);
  if (inferred !== null) limitations.push(inferred);

  return {
    version: 1,
    createdAt: input.now.toISOString(),
    source: {
      kind: snapshot.source.kind,
      serverName: snapshot.source.serverName,
      serverId: snapshot.source.serverId,
      schemaFingerprint: snapshot.source.schemaFingerprint,
      localTimeZone: snapshot.source.localTimeZone ?? null,
    },
    target: {
      kind: server.kind,
      version: server.version,
      serverId: server.serverId,
      serverName: server.serverName,
      url: server.url,
    },
    options: {
      mode: options.mode,
      kinds: CATEGORIES.filter((category) => options.kinds.has(category)),
      favoriteMinRating,
    },
    users: users.users,
    actions,
    skipped: [...users.skipped, ...userData.skipped, ...playlists.skipped, ...collections.skipped],
    unmatched: listUnmatched(snapshot, index, input.matches, users.planned, options.kinds),
    limitations,
    counts: countActions(actions),
    matching: planMatching(
      snapshot,
      index,
      input.matches,
      new Map((input.target?.items ?? []).map((item) => [item.id, item])),
    ),
  };
}
