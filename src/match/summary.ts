import type { Item, ItemKind } from "../model/index.js";
import {
  type MatchResult,
  type MatchRule,
  MatchRuleSchema,
  type MissReason,
  MissReasonSchema,
} from "./types.js";

export interface MatchSummary {
  /** Items tried: matched + missed. */
  total: number;
  matched: number;
  missed: number;
  byRule: Record<MatchRule, number>;
  byReason: Record<MissReason, number>;
  /** Matches made by title and year alone, or through a show matched that way. */
  weak: number;
  /** Matches where other evidence pointed to another target item. */
  conflicts: number;
  byKind: Partial<Record<ItemKind, { matched: number; missed: number }>>;
}

/** Counts for the match report and the plan's header. */
export function summarizeMatches(result: MatchResult, items: Item[]): MatchSummary {
  const summary: MatchSummary = {
    total: result.matches.size + result.misses.size,
    matched: result.matches.size,
    missed: result.misses.size,
    byRule: zeroes(MatchRuleSchema.options),
    byReason: zeroes(MissReasonSchema.options),
    weak: 0,
    conflicts: 0,
    byKind: {},
  };
  for (const match of result.matches.values()) {
    summary.byRule[match.rule]++;
    if (match.weak) summary.weak++;
    if (match.conflict !== null) summary.conflicts++;
  }
  for (const miss of result.misses.values()) summary.byReason[miss.reason]++;
  for (const item of items) {
    const matched = result.matches.has(item.key);
    if (!matched && !result.misses.has(item.key)) continue;
    const counts = summary.byKind[item.kind] ?? { matched: 0, missed: 0 };
    if (matched) counts.matched++;
    else counts.missed++;
    summary.byKind[item.kind] = counts;
  }
  return summary;
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}
