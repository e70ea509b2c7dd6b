import type { Mapping } from "../config/values.js";
import type { Item, ItemKind, Library, TargetIndex, TargetItem } from "../model/index.js";
import { type Progress, SILENT_PROGRESS } from "../progress.js";
import { ambiguousDetail, idConflictDetail, noCandidateDetail, typeMismatchDetail } from "./details.js";
import { differingProviders, normalizeIds, TargetLookup } from "./lookup.js";
import { PathMapper } from "./paths.js";
import { inScope, type LibraryScope, Scopes } from "./scope.js";
import { titleYearKey } from "./titles.js";
import type { ItemMatch, ItemMiss, MatchResult, MatchRule } from "./types.js";

export interface MatchItemsInput {
  items: Item[];
  libraries: Library[];
  target: TargetIndex;
  pathMap: Mapping[];
  libraryMap: Mapping[];
}

/** What one rule left: the candidates it points to, or why it could not say (for the miss detail). */
export interface RuleOutcome {
  rule: MatchRule;
  candidates: TargetItem[];
  note: string;
  /** More candidates exist than are listed. */
  truncated?: boolean;
}

/** Most candidates one rule lists; beyond that the item is ambiguous and the rest are counted out. */
const MAX_LISTED_CANDIDATES = 25;

/** Containers first: episodes need their show, tracks their album, seasons and albums their parent. */
const TIER: Readonly<Record<ItemKind, number>> = {
  movie: 0,
  show: 0,
  artist: 0,
  season: 1,
  album: 1,
  episode: 2,
  track: 2,
};

/** Rules whose disagreement with the winner is worth reporting (title + year differs too often). */
const CONFLICT_RULES: ReadonlySet<MatchRule> = new Set(["episode", "path"]);

interface Context {
  lookup: TargetLookup;
  scopes: Scopes;
  paths: PathMapper;
  sources: Map<string, Item>;
  matches: Map<string, ItemMatch>;
}

interface Parent {
  targetId: string | null;
  weak: boolean;
  /** Why no parent was found, for the miss detail. */
  note: string;
}

/**
 * Pairs every source item with at most one target item (SEMANTICS §2). Rules in order — ids,
 * show position, file path, title + year — each looking at all candidates; the first that
 * leaves exactly one wins. Once a rule has left several, a later rule may only pick among
 * those (a later rule pointing outside them is contradicting evidence, so the item stays
 * ambiguous). A unique title + year candidate whose ids disagree with the item's is refused.
 */
export function matchItems(input: MatchItemsInput, progress: Progress = SILENT_PROGRESS): MatchResult {
  const context: Context = {
    lookup: new TargetLookup(input.target),
    scopes: new Scopes(input.libraries, input.target.libraries, input.libraryMap),
    paths: new PathMapper(input.pathMap),
    sources: new Map(input.items.map((item) => [item.key, item])),
    matches: new Map(),
  };
  const misses = new Map<string, ItemMiss>();
  const ordered = [...input.items].sort((a, b) => TIER[a.kind] - TIER[b.kind]);
  const task = progress.task("matching", ordered.length);
  let pending = 0;
  for (const item of ordered) {
    const outcome = matchOne(item, context);
    if ("reason" in outcome) misses.set(item.key, outcome);
    else context.matches.set(item.key, outcome);
    if (++pending === 1000) {
      task.tick(pending);
      pending = 0;
    }
  }
  task.tick(pending);
  task.finish();
  return { matches: context.matches, misses };
}

function matchOne(item: Item, context: Context): ItemMatch | ItemMiss {
  const { lookup } = context;
  const scope = context.scopes.forItem(item.libraryId, item.kind);
  const fits = (t: TargetItem) => t.kind === item.kind && inScope(scope, t);
  const ids = normalizeIds(item.externalIds);
  const disagrees = (t: TargetItem) => differingProviders(ids, lookup.idsOf(t)).length > 0;

  const sharing = ids.size === 0 ? [] : lookup.sharingAnyId(ids).filter(fits);
  const idConflicts = sharing.filter(disagrees);
  const parent = parentOf(item, context, scope);
  // Rules run lazily: most items are settled by the first one or two.
  const rules: { rule: MatchRule; evaluate: (constraint: ReadonlySet<string> | null) => RuleOutcome }[] = [
    {
      rule: "external-id",
      evaluate: () => ({
        rule: "external-id",
        candidates: sharing.filter((t) => !disagrees(t)),
        note: ids.size === 0 ? "it has no external ids" : "",
      }),
    },
  ];
  if (item.kind === "episode" || item.kind === "season") {
    rules.push({ rule: "episode", evaluate: () => positionRule(item, parent, context, fits) });
  }
  rules.push(
    { rule: "path", evaluate: () => pathRule(item, context, fits) },
    { rule: "title-year", evaluate: (constraint) => titleRule(item, parent, context, fits, constraint) },
  );

  const outcomes: RuleOutcome[] = [];
  let constraint: Set<string> | null = null;
  let ambiguous: RuleOutcome | null = null;
  for (const [index, { evaluate }] of rules.entries()) {
    const outcome = evaluate(constraint);
    outcomes.push(outcome);
    const allowed: Set<string> | null = constraint;
    const left: TargetItem[] =
      allowed === null ? outcome.candidates : outcome.candidates.filter((t) => allowed.has(t.id));
    if (left.length >= 2) {
      constraint = new Set(left.map((t) => t.id));
      ambiguous = { ...outcome, candidates: left };
      continue;
    }
    const winner = left[0];
    if (winner === undefined) continue;
    if (outcome.rule === "title-year" && disagrees(winner)) {
      idConflicts.push(winner);
      continue;
    }
    const conflict = rules
      .slice(index + 1)
      .filter((r) => CONFLICT_RULES.has(r.rule))
      .map((r) => r.evaluate(null))
      .find((o) => o.candidates.length === 1 && o.candidates[0]?.id !== winner.id);
    return {
      itemKey: item.key,
      targetId: winner.id,
      rule: outcome.rule,
      weak: outcome.rule === "title-year" || (outcome.rule === "episode" && parent.weak),
      conflict: conflict ? { rule: conflict.rule, targetId: conflict.candidates[0]!.id } : null,
    };
  }

  const miss = (reason: ItemMiss["reason"], detail: string, candidates: TargetItem[]): ItemMiss => ({
    itemKey: item.key,
    reason,
    detail,
    candidateIds: [...new Set(candidates.map((t) => t.id))].sort(),
  });
  if (ambiguous) return miss("ambiguous", ambiguousDetail(item, ambiguous), ambiguous.candidates);
  if (idConflicts.length > 0) {
    return miss("id-conflict", idConflictDetail(item, ids, idConflicts, lookup), idConflicts);
  }
  const imdb = ids.get("imdb");
  if (imdb !== undefined) {
    const elsewhere = lookup
      .sharingAnyId(new Map([["imdb", imdb]]))
      .filter((t) => t.kind !== item.kind && !disagrees(t));
    if (elsewhere.length > 0)
      return miss("type-mismatch", typeMismatchDetail(item, imdb, elsewhere), elsewhere);
  }
  return miss("no-candidate", noCandidateDetail(item, scope, outcomes), []);
}

/** The matched show of a season or episode, album of a track, artist of an album. */
function parentOf(item: Item, context: Context, scope: LibraryScope): Parent {
  const matchOf = (key: string | null) => (key === null ? undefined : context.matches.get(key));
  if (item.kind === "season" || item.kind === "album" || item.kind === "track") {
    const match = matchOf(item.parentKey);
    if (match) return { targetId: match.targetId, weak: match.weak, note: "" };
    const what = item.kind === "season" ? "show" : item.kind === "album" ? "artist" : "album";
    return { targetId: null, weak: false, note: `its ${what} is not matched` };
  }
  if (item.kind !== "episode") return { targetId: null, weak: false, note: "" };
  const show = matchOf(item.grandparentKey);
  if (show) return { targetId: show.targetId, weak: show.weak, note: "" };
  const season = matchOf(item.parentKey);
  const seasonTarget = season ? context.lookup.byId.get(season.targetId) : undefined;
  const viaSeason = seasonTarget ? context.lookup.showIdOf(seasonTarget) : null;
  if (season && viaSeason !== null) return { targetId: viaSeason, weak: season.weak, note: "" };
  // Legacy TheTVDB episode guids name the show; find it among the target's shows by those ids.
  const showIds = normalizeIds(item.showExternalIds);
  if (showIds.size > 0) {
    const shows = context.lookup
      .sharingAnyId(showIds)
      .filter((t) => t.kind === "show" && inScope(scope, t))
      .filter((t) => differingProviders(showIds, context.lookup.idsOf(t)).length === 0);
    if (shows.length === 1) return { targetId: shows[0]!.id, weak: false, note: "" };
    if (shows.length > 1)
      return { targetId: null, weak: false, note: "its show ids fit several target shows" };
    return {
      targetId: null,
      weak: false,
      note: "its show is not matched and no target show has its show ids",
    };
  }
  return { targetId: null, weak: false, note: "its show is not matched" };
}

function positionRule(
  item: Item,
  parent: Parent,
  context: Context,
  fits: (t: TargetItem) => boolean,
): RuleOutcome {
  const rule = "episode";
  if (parent.targetId === null) return { rule, candidates: [], note: parent.note };
  const season = item.seasonNumber;
  if (season === null) return { rule, candidates: [], note: "it has no season number" };
  if (item.kind === "season") {
    const found = context.lookup.seasonAt(parent.targetId, season).filter(fits);
    return { rule, candidates: found, note: `the matched show has no season ${season}` };
  }
  const episode = item.episodeNumber;
  if (episode === null) return { rule, candidates: [], note: "it has no episode number" };
  const found = context.lookup.episodeAt(parent.targetId, season, episode).filter(fits);
  return { rule, candidates: found, note: `the matched show has no ${episodeCode(season, episode)}` };
}

export function episodeCode(season: number, episode: number): string {
  return `S${String(season).padStart(2, "0")}E${String(episode).padStart(2, "0")}`;
}

function pathRule(item: Item, context: Context, fits: (t: TargetItem) => boolean): RuleOutcome {
  if (item.filePaths.length === 0) return { rule: "path", candidates: [], note: "it has no file" };
  const found = new Map<string, TargetItem>();
  for (const path of item.filePaths) {
    for (const t of context.lookup.atPath(context.paths.map(path))) if (fits(t)) found.set(t.id, t);
  }
  const first = context.paths.rewrite(item.filePaths[0]!);
  const more = item.filePaths.length > 1 ? ` (nor its ${item.filePaths.length - 1} other files)` : "";
  return {
    rule: "path",
    candidates: [...found.values()],
    note: `no target item has the file ${first}${more}`,
  };
}

function titleRule(
  item: Item,
  parent: Parent,
  context: Context,
  fits: (t: TargetItem) => boolean,
  constraint: ReadonlySet<string> | null,
): RuleOutcome {
  const rule = "title-year";
  const key = titleYearKey(item.title, item.year);
  if (key === null) {
    const note = item.year === null ? "it has no year to compare titles with" : "it has no title";
    return { rule, candidates: [], note };
  }
  const topLevel = item.kind === "movie" || item.kind === "show" || item.kind === "artist";
  // A title like "Pilot" (2005) means nothing outside its show: only look inside the matched parent.
  if (!topLevel && parent.targetId === null) return { rule, candidates: [], note: parent.note };
  const { lookup } = context;
  const accept = (t: TargetItem) =>
    fits(t) &&
    (topLevel ||
      (item.kind === "track" ? t.parentId === parent.targetId : lookup.showIdOf(t) === parent.targetId));
  const note = `no target item is titled "${item.title}" (${item.year})`;
  if (constraint !== null) {
    // Only the few candidates an earlier rule left can still win.
    const candidates = [...constraint]
      .map((id) => lookup.byId.get(id))
      .filter((t): t is TargetItem => t !== undefined && accept(t) && titleYearKey(t.title, t.year) === key);
    return { rule, candidates, note };
  }
  // A common title ("Clip", 2010) can fill a bucket with thousands; past a few it is ambiguous anyway.
  const candidates: TargetItem[] = [];
  for (const t of lookup.withTitleYear(item.kind, key)) {
    if (!accept(t)) continue;
    if (candidates.length === MAX_LISTED_CANDIDATES) return { rule, candidates, note, truncated: true };
    candidates.push(t);
  }
  return { rule, candidates, note };
}
