import type { MatchResult, UserMappingResult } from "../match/types.js";
import {
  type HistorySummary,
  type Item,
  type Library,
  type Mode,
  type RowTable,
  rowsOf,
  type Snapshot,
  type SourceRows,
  type WatchState,
} from "../model/index.js";

/** Lookups over a scoped snapshot and its matches, built once per plan. */
export interface SnapshotIndex {
  itemsByKey: Map<string, Item>;
  itemsByIdentity: Map<string, Item[]>;
  libraryById: Map<string, Library>;
  /** Source user id → identity → state (columns per person: model/rows.ts). */
  states: RowTable<WatchState>;
  /** Source user id → identity → history summary. */
  history: RowTable<HistorySummary>;
  /** Source item key → target item id, for items of the snapshot only. */
  targetOf: Map<string, string>;
  /** Target item id → source item keys matched to it, sorted. */
  sourcesOf: Map<string, string[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function compareKeys(a: string, b: string): number {
  // Source keys are decimal ids: numeric order reads naturally; text order breaks ties.
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `rows`, when given, are the snapshot's states and history (a streamed read leaves the
 * snapshot's arrays empty); otherwise they are taken from the arrays.
 */
export function indexSnapshot(snapshot: Snapshot, matches: MatchResult, rows?: SourceRows): SnapshotIndex {
  const itemsByKey = new Map(snapshot.items.map((item) => [item.key, item]));
  const itemsByIdentity = new Map<string, Item[]>();
  for (const item of snapshot.items) push(itemsByIdentity, item.identity, item);
  const targetOf = new Map<string, string>();
  const sourcesOf = new Map<string, string[]>();
  for (const item of snapshot.items) {
    const match = matches.matches.get(item.key);
    if (!match) continue;
    targetOf.set(item.key, match.targetId);
    push(sourcesOf, match.targetId, item.key);
  }
  // Frozen once sorted: every action on the item shares the list (planner/digest.ts caches its text).
  for (const keys of sourcesOf.values()) Object.freeze(keys.sort(compareKeys));
  const tables = rows ?? rowsOf(snapshot.states, snapshot.history);
  return {
    itemsByKey,
    itemsByIdentity,
    libraryById: new Map(snapshot.libraries.map((library) => [library.id, library])),
    states: tables.states,
    history: tables.history,
    targetOf,
    sourcesOf,
  };
}

/**
 * Which target items' user data the planner will look at, per mapped source user: in merge
 * mode the matched items the person has state or history for; in mirror mode every matched
 * item (leaves for watched state and positions, containers for ratings). The caller reads
 * these through the adapter into `TargetState.userData` before calling `buildPlan`.
 */
export function neededUserData(
  snapshot: Snapshot,
  users: UserMappingResult,
  matches: MatchResult,
  mode: Mode,
): Map<string, Set<string>> {
  return neededFromIndex(snapshot, indexSnapshot(snapshot, matches), users, mode);
}

export function neededFromIndex(
  snapshot: Snapshot,
  index: SnapshotIndex,
  users: UserMappingResult,
  mode: Mode,
): Map<string, Set<string>> {
  const present = new Set(snapshot.users.map((user) => user.id));
  const out = new Map<string, Set<string>>();
  for (const mapping of users.mapped) {
    if (!present.has(mapping.sourceUserId)) continue;
    const wanted = out.get(mapping.sourceUserId) ?? new Set<string>();
    out.set(mapping.sourceUserId, wanted);
    if (mode === "mirror") {
      for (const targetId of index.targetOf.values()) wanted.add(targetId);
      continue;
    }
    const identities = new Set([
      ...(index.states.get(mapping.sourceUserId)?.keys() ?? []),
      ...(index.history.get(mapping.sourceUserId)?.keys() ?? []),
    ]);
    for (const identity of identities) {
      for (const item of index.itemsByIdentity.get(identity) ?? []) {
        const targetId = index.targetOf.get(item.key);
        if (targetId !== undefined) wanted.add(targetId);
      }
    }
  }
  return out;
}

/** How a person reads in reports: "Title (1999)", "Show S01E02 Title", "Artist – Track". */
export function displayTitle(item: Item, itemsByKey: ReadonlyMap<string, Item>): string {
  const parent = item.parentKey === null ? undefined : itemsByKey.get(item.parentKey);
  const grandparent = item.grandparentKey === null ? undefined : itemsByKey.get(item.grandparentKey);
  const pad = (n: number | null) => (n === null ? "??" : String(n).padStart(2, "0"));
  const withYear = item.year === null ? item.title : `${item.title} (${item.year})`;
  switch (item.kind) {
    case "episode": {
      const show = grandparent?.title ?? parent?.title ?? "?";
      const code = `S${pad(item.seasonNumber)}E${pad(item.episodeNumber)}`;
      return item.title ? `${show} ${code} ${item.title}` : `${show} ${code}`;
    }
    case "season":
    case "album":
      return parent ? `${parent.title} – ${withYear}` : withYear;
    case "track":
      return grandparent ? `${grandparent.title} – ${item.title}` : item.title;
    default:
      return withYear;
  }
}
