import type { MatchRule } from "../../match/types.js";
import {
  type Action,
  comparedOf,
  countActions,
  countByKind,
  type Plan,
  type PlanMatching,
  type ReviewMatch,
  summarizePlan,
  typeAt,
} from "../../planner/index.js";
import { comparedLines, describeChange, localTimeLines, nothingCompared, plural } from "./format.js";

export interface RenderOptions {
  /** Lines shown per list before "… and N more"; `--full` passes Infinity. */
  limit?: number;
}

/** Adds at most `limit` lines, then one line saying how many were left out. */
function capped(out: string[], lines: readonly string[], indent: string, limit: number): void {
  cappedCount(out, lines, lines.length, indent, limit);
}

/**
 * `capped` for lists made only as far as shown: `shown` holds the first `limit` of `total`
 * lines. A loop, not push(...): --full can list millions.
 */
function cappedCount(
  out: string[],
  shown: readonly string[],
  total: number,
  indent: string,
  limit: number,
): void {
  for (let i = 0; i < shown.length && i < limit; i++) out.push(shown[i]!);
  if (total > limit) out.push(`${indent}… and ${total - limit} more (--full lists all, or see --json)`);
}

function userSections(actions: readonly Action[], limit: number): string[] {
  const out: string[] = [];
  // Places, not actions: a big plan's actions are made from columns when read (packed.ts),
  // and holding them all here would undo that.
  const byUser = new Map<string, number[]>();
  actions.forEach((action, i) => {
    if (!("user" in action) || action.type === "create-user") return;
    let list = byUser.get(action.user.name);
    if (list === undefined) {
      list = [];
      byUser.set(action.user.name, list);
    }
    list.push(i);
  });
  const categories = ["watched", "progress", "ratings"] as const;
  for (const [name, places] of byUser) {
    out.push("", name);
    // Only the lines shown are formatted: a plan can hold millions of changes.
    const lines = new Map<string, string[]>(categories.map((category) => [category, []]));
    const totals = new Map<string, number>(categories.map((category) => [category, 0]));
    const playlistLines: string[] = [];
    for (const place of places) {
      const action = actions[place]!;
      if (action.type === "set-user-data") {
        for (const category of categories) {
          if (!action.categories.includes(category)) continue;
          totals.set(category, totals.get(category)! + 1);
          const shown = lines.get(category)!;
          if (shown.length < limit) shown.push(`    ~ ${action.title}  ${describeChange(action, category)}`);
        }
      } else if (action.type === "create-playlist") {
        playlistLines.push(`    + ${action.title}  (${plural(action.itemIds.length, "entry", "entries")})`);
      } else if (action.type === "add-playlist-entries") {
        playlistLines.push(
          `    ~ ${action.title}  + ${plural(action.itemIds.length, "entry", "entries")} (had ${action.before.length})`,
        );
      }
    }
    for (const category of categories) {
      const total = totals.get(category)!;
      if (total === 0) continue;
      out.push(`  ${category} (${total})`);
      cappedCount(out, lines.get(category)!, total, "    ", limit);
    }
    if (playlistLines.length > 0) {
      out.push(`  playlists (${playlistLines.length})`);
      capped(out, playlistLines, "    ", limit);
    }
  }
  return out;
}

/**
 * The human diff, in the spirit of `terraform plan`: users, then each target user's changes
 * grouped by category with before → after values, collections, unmatched items, skipped
 * things and target limitations, and a totals line. Only titles of included libraries can
 * appear, because the plan holds no others.
 */
export function renderPlan(plan: Plan, options: RenderOptions = {}): string {
  const limit = options.limit ?? 20;
  const out: string[] = [];
  const t = plan.target;
  out.push(`Plan for ${t.kind} ${t.version} "${t.serverName}" (mode ${plan.options.mode})`);
  out.push(...localTimeLines(plan.source.localTimeZone));

  // By type first: the user-data writes (most of a big plan, packed) are not made here.
  const creates = new Set<string>();
  const containers: Action[] = [];
  for (let i = 0; i < plan.actions.length; i++) {
    const type = typeAt(plan.actions, i);
    if (type === "set-user-data") continue;
    const action = plan.actions[i]!;
    if (action.type === "create-user") creates.add(action.sourceUserId);
    else containers.push(action);
  }
  if (plan.users.length > 0) {
    out.push("", `Users (${plan.users.length})`);
    const lines = plan.users.map((user) => {
      if (user.targetName === null) return `  ! ${user.sourceName}  not migrated (${user.rule})`;
      const sign = creates.has(user.sourceUserId) ? "+" : " ";
      const how = creates.has(user.sourceUserId) ? "create" : user.rule;
      return `  ${sign} ${user.sourceName} → ${user.targetName}  (${how})`;
    });
    capped(out, lines, "  ", limit);
  }

  for (const line of userSections(plan.actions, limit)) out.push(line);

  const collectionLines = containers.flatMap((action) => {
    if (action.type === "create-collection") {
      return [`  + ${action.title}  (${plural(action.itemIds.length, "member")})`];
    }
    if (action.type === "add-collection-members") {
      return [
        `  ~ ${action.title}  + ${plural(action.itemIds.length, "member")} (had ${action.before.length})`,
      ];
    }
    return [];
  });
  if (collectionLines.length > 0) {
    out.push("", `Collections (${collectionLines.length})`);
    capped(out, collectionLines, "  ", limit);
  }

  if (plan.unmatched.length > 0) {
    out.push("", `Unmatched (${plan.unmatched.length})`);
    const lines = plan.unmatched.map(
      (entry) => `  ? ${entry.title}  [${entry.library}, ${entry.kind}] ${entry.reason}: ${entry.detail}`,
    );
    capped(out, lines, "  ", limit);
  }

  if (plan.skipped.length > 0) {
    const total = plan.skipped.reduce((sum, skip) => sum + (skip.count ?? 1), 0);
    out.push("", `Skipped (${total})`);
    const lines = plan.skipped.map(
      (skip) => `  - ${skip.category}: ${skip.subject}  ${skip.reason}: ${skip.detail}`,
    );
    capped(out, lines, "  ", limit);
  }

  if (plan.matching) out.push(...matchingSection(plan.matching, limit));

  if (plan.limitations.length > 0) {
    out.push("", "Limitations");
    for (const limitation of plan.limitations) out.push(`  ! ${limitation}`);
  }

  out.push("");
  const compared = comparedOf(plan);
  const lines = comparedLines(compared, plan.unmatched.length, {
    users: "see Users",
    items: "see Unmatched",
  });
  if (plan.actions.length === 0) {
    // "No changes" is only ever said of what was compared (issue 13 item 6).
    const nothing = nothingCompared(compared);
    if (nothing !== null) out.push(`Nothing was compared: ${nothing}.`);
    else if (lines.length === 1) out.push("No changes: the target already holds what the migration wants.");
    else out.push("No changes in what was compared: the target already holds what the migration wants.");
  }
  out.push(...lines, planTotalsLine(plan));
  const touched = userDataTouchLine(plan);
  if (touched !== null) out.push(touched);
  return `${out.join("\n")}\n`;
}

const RULE_WORDS: Record<MatchRule, string> = {
  "external-id": "external ids",
  episode: "season and episode",
  path: "file path",
  "title-year": "title + year",
};

/**
 * How items were paired, per rule, and the pairings a person should check: title + year
 * matches (weak evidence) and pairings other evidence contradicted (docs/matching.md).
 */
function matchingSection(matching: PlanMatching, limit: number): string[] {
  const rules = (Object.keys(RULE_WORDS) as MatchRule[])
    .map((rule) => `${RULE_WORDS[rule]} ${matching.byRule[rule] ?? 0}`)
    .join(", ");
  const out = [
    "",
    `Matching: ${matching.matched} of ${plural(matching.items, "Plex item")} paired with a target item (${rules})`,
  ];
  const where = (entry: ReviewMatch) =>
    `${entry.title}  [${entry.library}, ${entry.kind}] → ${entry.targetTitle === null ? "" : `"${entry.targetTitle}" `}(target ${entry.targetId})`;
  if (matching.titleYear.length > 0) {
    out.push("", `Weak matches: title + year only, check these (${matching.titleYear.length})`);
    capped(
      out,
      matching.titleYear.map((entry) => `  ≈ ${where(entry)}`),
      "  ",
      limit,
    );
  }
  const inside = matching.weak - matching.titleYear.length;
  if (inside > 0) {
    out.push(
      `  ${plural(inside, "more item")} (episodes, seasons, albums, tracks) ${inside === 1 ? "was" : "were"} paired by number or title inside a show or album matched this way.`,
    );
  }
  if (matching.conflicts.length > 0) {
    out.push("", `Conflicting evidence: the first rule won, check these (${matching.conflicts.length})`);
    capped(
      out,
      matching.conflicts.map(
        (entry) =>
          `  ! ${where(entry)}; its ${RULE_WORDS[entry.conflict?.rule ?? "path"]} points to target ${entry.conflict?.targetId ?? "?"}`,
      ),
      "  ",
      limit,
    );
  }
  return out;
}

/**
 * "Plan: 20 changes (users 2, user data 15, playlists 2, collections 1)": each action counted
 * once, so the parts add up to the total (issue 13 item 15).
 */
export function planTotalsLine(plan: Plan, label = "Plan"): string {
  const kinds = countByKind(plan.actions);
  const n = plan.actions.length;
  const parts = `users ${kinds.users}, user data ${kinds.userData}, playlists ${kinds.playlists}, collections ${kinds.collections}`;
  return `${label}: ${n} ${n === 1 ? "change" : "changes"} (${parts})`;
}

/** Which categories the user-data writes touch; one write can set several, so these need not add up. */
function userDataTouchLine(plan: Plan): string | null {
  const writes = countByKind(plan.actions).userData;
  if (writes === 0) return null;
  const counts = countActions(plan.actions);
  return (
    `  The ${plural(writes, "user-data write")} ${writes === 1 ? "touches" : "touch"} watched ${counts.watched}, progress ${counts.progress}, ` +
    `ratings ${counts.ratings} (one write can touch several).`
  );
}

/** The `plan --json` document (docs/json-output.md). */
export function planDocument(plan: Plan, outFile: string | null) {
  return {
    version: 1 as const,
    command: "plan",
    summary: summarizePlan(plan),
    unmatched: plan.unmatched,
    skipped: plan.skipped,
    limitations: plan.limitations,
    planFile: outFile,
    plan,
  };
}

/** Printed after the plan when `plan --out` saved it. */
export function planSavedLine(outFile: string): string {
  return `\nPlan saved to ${outFile}. Apply it with: plexodus apply --plan ${outFile}`;
}
