import { countByRule, type LibraryRuleCounts } from "../../../match/by-library.js";
import { describeItem } from "../../../match/report.js";
import type { MatchResult } from "../../../match/types.js";
import { type Item, LEAF_KINDS, type Snapshot } from "../../../model/index.js";
import type { Plan, TargetState } from "../../../planner/index.js";
import { HOLDS } from "./changes.js";
import type { CountRow, UnmatchedRow, WeakRow } from "./data.js";

/** What a run that read both sides knows beyond its plan (plan, migrate, verify; not apply). */
export interface ReadSides {
  /** The scoped snapshot: excluded users and libraries are already gone. */
  snapshot: Snapshot;
  matches: MatchResult;
  /** What the target held when planning. */
  state: TargetState;
}

/** Counts and lists drawn from the source and the target, per person and for the charts. */
export interface SourceFacts {
  inPlex(sourceIds: readonly string[], category: string): number;
  /** Whether any of these accounts' figure for the category is inferred from plays or unknown. */
  inPlexNote(sourceIds: readonly string[], category: string): CountRow["inPlexNote"];
  onTarget(targetUserId: string | null, category: string): number;
  unmatchedOf(sourceIds: readonly string[]): UnmatchedRow[];
  weakOf(sourceIds: readonly string[]): WeakRow[];
  weak: WeakRow[];
  rulesByLibrary: LibraryRuleCounts[];
  latestPlayByYear: Array<{ year: number; items: number; plays: number }>;
  collections: { inPlex: number; onTarget: number };
}

type SourceCounts = { watched: number; progress: number; ratings: number; playlists: number };

export function sourceFacts(plan: Plan, sides: ReadSides): SourceFacts {
  const { snapshot, matches, state } = sides;
  const itemsByKey = new Map(snapshot.items.map((item) => [item.key, item]));
  const itemsByIdentity = new Map<string, Item[]>();
  for (const item of snapshot.items) {
    const list = itemsByIdentity.get(item.identity);
    if (list) list.push(item);
    else itemsByIdentity.set(item.identity, [item]);
  }
  const leaf = new Set(
    snapshot.items.filter((item) => LEAF_KINDS.has(item.kind)).map((item) => item.identity),
  );
  const libraryName = new Map(snapshot.libraries.map((library) => [library.id, library.name]));
  const usersById = new Map(snapshot.users.map((user) => [user.id, user]));

  const perSource = new Map<string, SourceCounts>();
  const identitiesOf = new Map<string, Set<string>>();
  const counts = (userId: string) => {
    let entry = perSource.get(userId);
    if (!entry) {
      entry = { watched: 0, progress: 0, ratings: 0, playlists: 0 };
      perSource.set(userId, entry);
    }
    return entry;
  };
  const touch = (userId: string, identity: string) => {
    let set = identitiesOf.get(userId);
    if (!set) {
      set = new Set();
      identitiesOf.set(userId, set);
    }
    set.add(identity);
  };
  for (const watch of snapshot.states) {
    const entry = counts(watch.userId);
    if (leaf.has(watch.identity) && HOLDS.watched(watch)) entry.watched += 1;
    if (leaf.has(watch.identity) && HOLDS.progress(watch)) entry.progress += 1;
    if (HOLDS.ratings(watch)) entry.ratings += 1;
    touch(watch.userId, watch.identity);
  }
  for (const summary of snapshot.history) touch(summary.userId, summary.identity);
  for (const playlist of snapshot.playlists) counts(playlist.ownerUserId).playlists += 1;

  const itemKeysOf = (sourceIds: readonly string[]) => {
    const keys = new Set<string>();
    for (const id of sourceIds)
      for (const identity of identitiesOf.get(id) ?? [])
        for (const item of itemsByIdentity.get(identity) ?? []) keys.add(item.key);
    return keys;
  };

  // The plan's match report knows which target item each title + year pairing went to.
  const targetTitle = new Map(
    (plan.matching?.titleYear ?? []).map((match) => [match.itemKey, match.targetTitle]),
  );
  const weakRow = (item: Item): WeakRow => ({
    // Films, shows and artists show their year apart; episodes and tracks need their parents.
    title:
      item.kind === "movie" || item.kind === "show" || item.kind === "artist"
        ? item.title
        : describeItem(item, itemsByKey),
    year: item.year,
    kind: item.kind,
    library: libraryName.get(item.libraryId) ?? "",
    target: targetTitle.get(item.key) ?? null,
  });
  const weakItems: Item[] = [];
  for (const match of matches.matches.values()) {
    const item = itemsByKey.get(match.itemKey);
    if (match.weak && item) weakItems.push(item);
  }
  weakItems.sort(
    (a, b) =>
      compare(libraryName.get(a.libraryId) ?? "", libraryName.get(b.libraryId) ?? "") ||
      compare(a.title, b.title),
  );
  const unmatchedRow = ({
    title,
    kind,
    library,
    reason,
    detail,
  }: Plan["unmatched"][number]): UnmatchedRow => ({
    title,
    kind,
    library,
    reason,
    detail,
  });

  const years = new Map<number, { year: number; items: number; plays: number }>();
  for (const summary of snapshot.history) {
    const year = summary.lastViewedAt.getUTCFullYear();
    const entry = years.get(year) ?? { year, items: 0, plays: 0 };
    entry.items += 1;
    entry.plays += summary.plays;
    years.set(year, entry);
  }

  return {
    inPlex(sourceIds, category) {
      let sum = 0;
      for (const id of sourceIds) sum += perSource.get(id)?.[category as keyof SourceCounts] ?? 0;
      return sum;
    },
    inPlexNote(sourceIds, category) {
      const users = sourceIds.flatMap((id) => usersById.get(id) ?? []);
      // Unknown wins: a sum over accounts where one cannot tell is not a count of anything.
      if (users.some((user) => (user.unknownFields as string[]).includes(category))) return "unknown";
      if (users.some((user) => (user.inferredFields as string[]).includes(category))) return "from plays";
      return null;
    },
    onTarget(targetUserId, category) {
      if (targetUserId === null) return 0;
      if (category === "playlists") return state.playlists.get(targetUserId)?.length ?? 0;
      const holds = HOLDS[category as keyof typeof HOLDS];
      let sum = 0;
      for (const data of state.userData.get(targetUserId)?.values() ?? []) if (holds(data)) sum += 1;
      return sum;
    },
    unmatchedOf(sourceIds) {
      const keys = itemKeysOf(sourceIds);
      return plan.unmatched.filter((entry) => keys.has(entry.itemKey)).map(unmatchedRow);
    },
    weakOf(sourceIds) {
      const keys = itemKeysOf(sourceIds);
      return weakItems.filter((item) => keys.has(item.key)).map(weakRow);
    },
    weak: weakItems.map(weakRow),
    rulesByLibrary: countByRule(matches, snapshot.items, snapshot.libraries),
    latestPlayByYear: [...years.values()].sort((a, b) => a.year - b.year),
    collections: { inPlex: snapshot.collections.length, onTarget: state.collections.length },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
