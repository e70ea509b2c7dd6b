import type { Item, TargetItem } from "../model/index.js";
import type { RuleOutcome } from "./items.js";
import { differingProviders, type TargetLookup } from "./lookup.js";
import type { LibraryScope } from "./scope.js";
import type { MatchRule } from "./types.js";

/** Sentences for miss details: a user reads them in the plan and the match report. */

const RULE_TEXT: Readonly<Record<MatchRule, string>> = {
  "external-id": "external ids",
  episode: "season and episode number within the show",
  path: "file path",
  "title-year": "title and year",
};

export function ruleText(rule: MatchRule): string {
  return RULE_TEXT[rule];
}

function formatIds(ids: Map<string, string>, only?: string[]): string {
  return [...ids]
    .filter(([provider]) => only === undefined || only.includes(provider))
    .map(([provider, value]) => `${provider} ${value}`)
    .join(", ");
}

function kindPlural(kind: string, n: number): string {
  return n === 1 ? kind : `${kind}s`;
}

export function ambiguousDetail(item: Item, outcome: RuleOutcome): string {
  const n = outcome.candidates.length;
  const count = outcome.truncated ? `more than ${n}` : String(n);
  return `${count} target ${kindPlural(item.kind, n)} fit equally by ${ruleText(outcome.rule)}, and no other evidence tells them apart`;
}

export function idConflictDetail(
  item: Item,
  ids: Map<string, string>,
  conflicting: TargetItem[],
  lookup: TargetLookup,
): string {
  const first = conflicting[0]!;
  const theirs = lookup.idsOf(first);
  const differ = differingProviders(ids, theirs);
  const same = [...ids.keys()].filter((p) => theirs.get(p) === ids.get(p));
  const sharedText = same.length > 0 ? `shares ${formatIds(ids, same)} but ` : "";
  const others = conflicting.length > 1 ? ` (and ${conflicting.length - 1} more like it)` : "";
  return (
    `target ${item.kind} "${first.title}" ${sharedText}has ${formatIds(theirs, differ)} where this item has ` +
    `${formatIds(ids, differ)}${others}; not paired, since the ids contradict each other`
  );
}

export function typeMismatchDetail(item: Item, imdb: string, elsewhere: TargetItem[]): string {
  const first = elsewhere[0]!;
  return `its imdb id ${imdb} belongs to a target ${first.kind} ("${first.title}"), not a ${item.kind}`;
}

export function noCandidateDetail(item: Item, scope: LibraryScope, outcomes: RuleOutcome[]): string {
  if (scope.names.length === 0 && !scope.includeUnknownLibrary) {
    return `no target library can hold a ${item.kind} from this library`;
  }
  const where = scope.names.length > 0 ? ` in ${scope.names.map((n) => `"${n}"`).join(", ")}` : "";
  const notes = outcomes.map((o) => {
    if (o.note !== "") return o.note;
    return o.rule === "external-id" ? `no target item has ${formatIds(normalizedOf(item))}` : "";
  });
  return `no target ${item.kind}${where} matched: ${notes.filter((n) => n !== "").join("; ")}`;
}

function normalizedOf(item: Item): Map<string, string> {
  return new Map(Object.entries(item.externalIds).map(([p, v]) => [p.toLowerCase(), v]));
}
