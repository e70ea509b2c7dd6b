import type { MatchResult } from "../match/types.js";
import type { Snapshot } from "../model/index.js";
import { compareKeys, displayTitle, type SnapshotIndex } from "./context.js";
import type { Category, Unmatched } from "./plan.js";
import { knownCategories, type PlannedUser } from "./users.js";

/**
 * Every source item that matters to this migration and has no target item: it carries state
 * of a mapped user, is in one of their playlists, or is in a collection (SEMANTICS §2). The
 * snapshot is already scoped, so excluded libraries' items cannot appear here.
 */
export function listUnmatched(
  snapshot: Snapshot,
  index: SnapshotIndex,
  matches: MatchResult,
  users: readonly PlannedUser[],
  kinds: ReadonlySet<Category>,
): Unmatched[] {
  const wanted = new Set<string>();
  const consider = (key: string) => {
    if (!index.targetOf.has(key) && index.itemsByKey.has(key)) wanted.add(key);
  };
  const stateCategories = ["watched", "progress", "ratings"] as const;
  for (const user of users) {
    for (const source of user.sources) {
      const known = knownCategories(source, kinds);
      if (stateCategories.some((category) => known.has(category))) {
        const identities = new Set([
          ...(index.states.get(source.id)?.keys() ?? []),
          ...(index.history.get(source.id)?.keys() ?? []),
        ]);
        for (const identity of identities) {
          for (const item of index.itemsByIdentity.get(identity) ?? []) consider(item.key);
        }
      }
      if (known.has("playlists")) {
        for (const playlist of snapshot.playlists) {
          if (playlist.ownerUserId !== source.id) continue;
          for (const key of playlist.entries ?? []) consider(key);
        }
      }
    }
  }
  if (kinds.has("collections")) {
    for (const collection of snapshot.collections)
      for (const key of collection.memberKeys ?? []) consider(key);
  }

  const out: Unmatched[] = [];
  for (const key of wanted) {
    const item = index.itemsByKey.get(key);
    if (!item) continue;
    const miss = matches.misses.get(key);
    out.push({
      itemKey: key,
      title: displayTitle(item, index.itemsByKey),
      kind: item.kind,
      library: index.libraryById.get(item.libraryId)?.name ?? "",
      reason: miss?.reason ?? "no-candidate",
      detail: miss?.detail ?? "the matcher returned no result for this item",
    });
  }
  return out.sort(
    (a, b) =>
      (a.library < b.library ? -1 : a.library > b.library ? 1 : 0) ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) ||
      compareKeys(a.itemKey, b.itemKey),
  );
}
