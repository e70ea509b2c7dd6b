import type { Item } from "../model/index.js";
import { ruleText } from "./details.js";
import { episodeCode } from "./items.js";
import { summarizeMatches } from "./summary.js";
import type { MatchResult } from "./types.js";

export interface MatchReportOptions {
  /** Most misses, weak matches and conflicts listed each; the rest are counted. Default: all. */
  limit?: number;
}

/** How a person recognises an item: "Show – S01E02 – Title", "Film (1999)", "Artist – Album – Track". */
export function describeItem(item: Item, items: ReadonlyMap<string, Item>): string {
  const parent = item.parentKey === null ? undefined : items.get(item.parentKey);
  const grandparent = item.grandparentKey === null ? undefined : items.get(item.grandparentKey);
  const title = item.title === "" ? "(untitled)" : item.title;
  switch (item.kind) {
    case "movie":
    case "show":
    case "artist":
      return item.year === null ? title : `${title} (${item.year})`;
    case "season":
      return [parent?.title, item.seasonNumber === null ? title : `Season ${item.seasonNumber}`]
        .filter(Boolean)
        .join(" – ");
    case "episode": {
      const code =
        item.seasonNumber !== null && item.episodeNumber !== null
          ? episodeCode(item.seasonNumber, item.episodeNumber)
          : undefined;
      return [grandparent?.title, code, title].filter(Boolean).join(" – ");
    }
    case "album":
      return [parent?.title, title].filter(Boolean).join(" – ");
    case "track":
      return [grandparent?.title, parent?.title, title].filter(Boolean).join(" – ");
  }
}

function listed<T>(entries: T[], limit: number, line: (entry: T) => string): string[] {
  const lines = entries.slice(0, limit).map(line);
  if (entries.length > limit) lines.push(`  … and ${entries.length - limit} more`);
  return lines;
}

/** The match report as plain text: counts, then every miss, weak match and conflict. */
export function renderMatchReport(
  result: MatchResult,
  items: Item[],
  options: MatchReportOptions = {},
): string {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const byKey = new Map(items.map((item) => [item.key, item]));
  const name = (key: string) => {
    const item = byKey.get(key);
    return item ? `${item.kind} ${describeItem(item, byKey)}` : `item ${key}`;
  };
  const s = summarizeMatches(result, items);
  const lines = [`Matched ${s.matched} of ${s.total} items (${s.missed} not matched).`];
  const rules = Object.entries(s.byRule).filter(([, n]) => n > 0);
  if (rules.length > 0) lines.push(`  by ${rules.map(([rule, n]) => `${rule}: ${n}`).join(", ")}`);
  const reasons = Object.entries(s.byReason).filter(([, n]) => n > 0);
  if (reasons.length > 0) lines.push(`  not matched: ${reasons.map(([r, n]) => `${r}: ${n}`).join(", ")}`);

  const misses = [...result.misses.values()];
  if (misses.length > 0) {
    lines.push("", "Not matched:");
    lines.push(...listed(misses, limit, (m) => `  ${name(m.itemKey)}: ${m.reason} — ${m.detail}`));
  }
  const matches = [...result.matches.values()];
  const weak = matches.filter((m) => m.weak);
  if (weak.length > 0) {
    lines.push("", "Weak matches (check these):");
    lines.push(
      ...listed(weak, limit, (m) => `  ${name(m.itemKey)} → target ${m.targetId} by ${ruleText(m.rule)}`),
    );
  }
  const conflicts = matches.filter((m) => m.conflict !== null);
  if (conflicts.length > 0) {
    lines.push("", "Conflicting evidence (the first rule won):");
    lines.push(
      ...listed(
        conflicts,
        limit,
        (m) =>
          `  ${name(m.itemKey)} → target ${m.targetId} by ${ruleText(m.rule)}; ` +
          `its ${ruleText(m.conflict!.rule)} points to target ${m.conflict!.targetId}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
