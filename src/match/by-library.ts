import type { Item, Library } from "../model/index.js";
import { type MatchResult, type MatchRule, MatchRuleSchema } from "./types.js";

/** How the items of one source library fared: matched per rule, and not matched. */
export interface LibraryRuleCounts {
  library: string;
  byRule: Record<MatchRule, number>;
  /** Items tried and not matched. */
  missed: number;
}

/**
 * Items of each library matched by each rule (the report's chart). Only items the matcher
 * tried count, so a scoped snapshot gives only included libraries. Libraries in source order.
 */
export function countByRule(
  result: MatchResult,
  items: readonly Item[],
  libraries: readonly Library[],
): LibraryRuleCounts[] {
  const counts = new Map<string, LibraryRuleCounts>();
  for (const library of libraries) {
    const byRule = Object.fromEntries(MatchRuleSchema.options.map((rule) => [rule, 0]));
    counts.set(library.id, { library: library.name, byRule: byRule as Record<MatchRule, number>, missed: 0 });
  }
  for (const item of items) {
    const entry = counts.get(item.libraryId);
    if (!entry) continue;
    const match = result.matches.get(item.key);
    if (match) entry.byRule[match.rule] += 1;
    else if (result.misses.has(item.key)) entry.missed += 1;
  }
  return [...counts.values()];
}
