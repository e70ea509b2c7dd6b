import { summarizeMatches } from "../match/summary.js";
import type { ItemMatch, MatchResult } from "../match/types.js";
import type { Snapshot, TargetItem } from "../model/index.js";
import { compareKeys, displayTitle, type SnapshotIndex } from "./context.js";
import type { PlanMatching, ReviewMatch } from "./plan.js";

/**
 * The match report as plan data (docs/matching.md "The match report"): how many items each
 * rule paired, and the pairings a person should check before applying — every title + year
 * match (weak evidence, SEMANTICS §2) and every pairing other evidence contradicted. Items of
 * excluded libraries never appear: the snapshot is already scoped.
 */
export function planMatching(
  snapshot: Snapshot,
  index: SnapshotIndex,
  matches: MatchResult,
  targetItems: ReadonlyMap<string, Pick<TargetItem, "title" | "year">>,
): PlanMatching {
  const summary = summarizeMatches(matches, snapshot.items);
  const review = (match: ItemMatch): ReviewMatch | null => {
    const item = index.itemsByKey.get(match.itemKey);
    if (!item) return null;
    const target = targetItems.get(match.targetId);
    return {
      itemKey: match.itemKey,
      title: displayTitle(item, index.itemsByKey),
      kind: item.kind,
      library: index.libraryById.get(item.libraryId)?.name ?? "",
      targetId: match.targetId,
      targetTitle: target ? (target.year === null ? target.title : `${target.title} (${target.year})`) : null,
      conflict: match.conflict,
    };
  };
  const listed = (keep: (match: ItemMatch) => boolean): ReviewMatch[] =>
    [...matches.matches.values()]
      .filter(keep)
      .flatMap((match) => review(match) ?? [])
      .sort(
        (a, b) =>
          (a.library < b.library ? -1 : a.library > b.library ? 1 : 0) ||
          (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) ||
          compareKeys(a.itemKey, b.itemKey),
      );
  return {
    items: summary.total,
    matched: summary.matched,
    unmatched: summary.missed,
    byRule: summary.byRule,
    weak: summary.weak,
    titleYear: listed((match) => match.rule === "title-year"),
    conflicts: listed((match) => match.conflict !== null),
  };
}
