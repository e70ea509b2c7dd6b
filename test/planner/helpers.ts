import type { ItemMatch, ItemMiss, MatchResult, UserMappingResult } from "../../src/match/types.js";
import {
  EMPTY_USER_DATA,
  EMPTY_WATCH_STATE,
  type Item,
  type Library,
  type Mode,
  type Snapshot,
  type SourceUser,
  type TargetServerInfo,
  type TargetUserData,
  type WatchState,
} from "../../src/model/index.js";
import { buildPlan, type PlanInput } from "../../src/planner/build.js";
import { neededUserData } from "../../src/planner/context.js";
import { CATEGORIES, type Category, type Plan } from "../../src/planner/plan.js";
import { emptyTargetState, type TargetState } from "../../src/planner/state.js";

/** Small builders for planner and scope tests: readable data, defaults for the rest. */

export const MOVIES: Library = { id: "1", name: "Movies", kind: "movie", rootPaths: ["/media/movies"] };
export const SHOWS: Library = { id: "2", name: "TV Shows", kind: "show", rootPaths: ["/media/tv"] };
export const KIDS: Library = { id: "3", name: "Kids Movies", kind: "movie", rootPaths: ["/media/kids"] };

export function item(key: string, extra: Partial<Item> = {}): Item {
  return {
    key,
    identity: `plex://item/${key}`,
    kind: "movie",
    libraryId: MOVIES.id,
    title: `Movie ${key}`,
    year: 2000,
    externalIds: {},
    showExternalIds: {},
    filePaths: [],
    parentKey: null,
    grandparentKey: null,
    seasonNumber: null,
    episodeNumber: null,
    durationMs: 6_000_000,
    isDeleted: false,
    ...extra,
  };
}

export function user(id: string, name: string, extra: Partial<SourceUser> = {}): SourceUser {
  return {
    id,
    name,
    isOwner: id === "1",
    isPlaceholder: false,
    unknownFields: [],
    inferredFields: [],
    ...extra,
  };
}

export function watch(userId: string, identity: string, extra: Partial<WatchState> = {}): WatchState {
  return { userId, identity, ...EMPTY_WATCH_STATE, ...extra };
}

export function snapshot(extra: Partial<Snapshot> = {}): Snapshot {
  return {
    source: {
      kind: "plex-db",
      serverName: "Plex",
      serverId: "plex-1",
      schemaFingerprint: "fp",
      schemaVersion: null,
      readAt: new Date("2024-06-01T00:00:00Z"),
    },
    users: [user("1", "alice")],
    libraries: [MOVIES],
    items: [],
    states: [],
    history: [],
    historyEventCount: 0,
    playlists: [],
    collections: [],
    orphanedStateCount: 0,
    warnings: [],
    ...extra,
  };
}

export function server(features: Partial<TargetServerInfo["features"]> = {}): TargetServerInfo {
  return {
    kind: "jellyfin",
    version: "10.10.7",
    serverId: "jf-1",
    serverName: "Home",
    url: "http://127.0.0.1:8096",
    features: { userDataWrite: true, privatePlaylists: true, ...features },
  };
}

/** Source key → target id; misses as [key, reason, detail]. */
export function matches(
  pairs: Record<string, string>,
  misses: [string, ItemMiss["reason"], string][] = [],
): MatchResult {
  return {
    matches: new Map(
      Object.entries(pairs).map(([itemKey, targetId]): [string, ItemMatch] => [
        itemKey,
        { itemKey, targetId, rule: "external-id", weak: false, conflict: null },
      ]),
    ),
    misses: new Map(
      misses.map(([itemKey, reason, detail]): [string, ItemMiss] => [
        itemKey,
        { itemKey, reason, detail, candidateIds: [] },
      ]),
    ),
  };
}

/** Every source user mapped by name to an existing target user `t<id>`. */
export function mappedByName(users: readonly SourceUser[]): UserMappingResult {
  return {
    mapped: users.map((u) => ({
      sourceUserId: u.id,
      targetName: u.name,
      targetUserId: `t${u.id}`,
      rule: "name",
    })),
    unmapped: [],
  };
}

export function targetState(users: readonly SourceUser[], extra: Partial<TargetState> = {}): TargetState {
  return {
    ...emptyTargetState(),
    users: users.map((u) => ({ id: `t${u.id}`, name: u.name, isAdmin: u.id === "1" })),
    ...extra,
  };
}

export function data(extra: Partial<TargetUserData> = {}): TargetUserData {
  return { ...EMPTY_USER_DATA, ...extra };
}

/**
 * Models the caller reading target user data through the adapter: every needed item of an
 * existing target user gets its current value (absent → empty), as readUserData does.
 */
export function readNeeded(
  snap: Snapshot,
  users: UserMappingResult,
  result: MatchResult,
  mode: Mode,
  state: TargetState,
): TargetState {
  const userData = new Map([...state.userData].map(([id, items]) => [id, new Map(items)]));
  const needed = neededUserData(snap, users, result, mode);
  for (const mapping of users.mapped) {
    if (mapping.targetUserId === null) continue;
    const items = userData.get(mapping.targetUserId) ?? new Map<string, TargetUserData>();
    userData.set(mapping.targetUserId, items);
    for (const id of needed.get(mapping.sourceUserId) ?? [])
      if (!items.has(id)) items.set(id, { ...EMPTY_USER_DATA });
  }
  return { ...state, userData };
}

/** After an apply created users, a rerun's mapping finds them by name. */
export function remap(users: UserMappingResult, state: TargetState): UserMappingResult {
  return {
    mapped: users.mapped.map((m) => {
      if (m.targetUserId !== null) return m;
      const found = state.users.find((u) => u.name.toLowerCase() === m.targetName.toLowerCase());
      return found ? { ...m, targetUserId: found.id, rule: "sanitized-name" as const } : m;
    }),
    unmapped: users.unmapped,
  };
}

export interface Scenario {
  snapshot: Snapshot;
  users: UserMappingResult;
  matches: MatchResult;
  state: TargetState;
  server?: TargetServerInfo;
  mode?: Mode;
  kinds?: readonly Category[];
  favoriteMinRating?: number;
}

export const NOW = new Date("2024-06-02T10:00:00Z");

/** Reads what the planner needs, then plans. */
export function plan(s: Scenario): Plan {
  const mode = s.mode ?? "merge";
  const input: PlanInput = {
    snapshot: s.snapshot,
    users: s.users,
    matches: s.matches,
    server: s.server ?? server(),
    state: readNeeded(s.snapshot, s.users, s.matches, mode, s.state),
    options: { mode, kinds: new Set(s.kinds ?? CATEGORIES), favoriteMinRating: s.favoriteMinRating },
    now: NOW,
  };
  return buildPlan(input);
}

export function userDataActions(p: Plan) {
  return p.actions.flatMap((a) => (a.type === "set-user-data" ? [a] : []));
}
