import { type Action, actionCategories, type Plan, type PlanUser } from "../../../planner/index.js";
import { actionTitle, countDelta, describeAction, OUTCOME_WORDS } from "./changes.js";
import type { ChangeRow, CountRow, IssueRow, Person, SkipRow } from "./data.js";
import { listed } from "./limits.js";
import { type ActionOutcome, addMoved, emptyMoved, isConfirmed } from "./moved.js";
import type { SourceFacts } from "./source-facts.js";

/** The categories each person has counts for (users and collections are not per person). */
export const PERSON_CATEGORIES = ["watched", "progress", "ratings", "playlists"] as const;

export interface PeopleInput {
  plan: Plan;
  stage: "plan" | "apply" | "verify";
  outcome(action: Action): ActionOutcome;
  /** Why an action did not reach its state, by action key (from the apply result). */
  reasons: ReadonlyMap<string, string>;
  /** What the source and the target held; absent when the run read neither (apply). */
  facts: SourceFacts | null;
  limit: number;
}

/** One section per target user (several Plex accounts may feed one), then unmapped accounts. */
export function buildPeople(input: PeopleInput): Person[] {
  const { plan } = input;
  const actionsOf = new Map<string, Action[]>();
  for (const action of plan.actions) {
    if (!("user" in action)) continue;
    const list = actionsOf.get(action.user.name) ?? [];
    list.push(action);
    actionsOf.set(action.user.name, list);
  }
  const groups = new Map<string, PlanUser[]>();
  for (const user of plan.users) {
    const key = user.targetName === null ? `\u0000${user.sourceUserId}` : user.targetName;
    groups.set(key, [...(groups.get(key) ?? []), user]);
  }
  return [...groups.values()].map((users) =>
    person(input, users, actionsOf.get(users[0]!.targetName ?? "") ?? []),
  );
}

function person(input: PeopleInput, users: PlanUser[], actions: Action[]): Person {
  const { plan, stage, outcome, facts, limit } = input;
  const first = users[0]!;
  const name = first.targetName ?? first.sourceName;
  const sourceIds = users.map((user) => user.sourceUserId);
  const names = new Set([name, ...users.map((user) => user.sourceName)]);
  const counts = PERSON_CATEGORIES.map((category): CountRow => {
    const touching = actions.filter((action) => actionCategories(action).includes(category));
    const confirmed = touching.filter((action) => isConfirmed(outcome(action)));
    const inPlexNote = facts ? facts.inPlexNote(sourceIds, category) : null;
    const inPlex = facts && inPlexNote !== "unknown" ? facts.inPlex(sourceIds, category) : null;
    const before = facts ? facts.onTarget(first.targetUserId, category) : null;
    // A plan's "after" is what applying all of it gives; an apply's, what the target confirmed.
    const landed = stage === "plan" ? touching : stage === "apply" ? confirmed : null;
    const after =
      before === null || landed === null
        ? null
        : landed.reduce((sum, action) => sum + countDelta(action, category), before);
    return {
      category,
      inPlex,
      inPlexNote,
      before,
      changes: touching.length,
      confirmed: stage === "apply" ? confirmed.length : null,
      after,
    };
  });

  // Rows are worded only for the first `limit` of each list: a big run plans 100,000s of actions.
  const moved = emptyMoved();
  const landed: Action[] = [];
  const open: Action[] = [];
  for (const action of actions) {
    const how = outcome(action);
    if (stage !== "verify" && (how === "planned" || isConfirmed(how))) {
      addMoved(moved, action);
      landed.push(action);
    } else {
      open.push(action);
    }
  }
  const changes = {
    total: landed.length,
    rows: landed.slice(0, limit).map(
      (action): ChangeRow => ({
        title: actionTitle(action),
        categories: actionCategories(action).join(", "),
        change: describeAction(action),
        outcome: OUTCOME_WORDS[outcome(action)] ?? outcome(action),
      }),
    ),
  };
  const issues = { total: open.length, rows: open.slice(0, limit).map((action) => issueRow(input, action)) };

  const skipped: SkipRow[] = plan.skipped
    .filter(
      (skip) => skip.category !== "playlists" && skip.category !== "collections" && names.has(skip.subject),
    )
    .map((skip) => ({ ...skip, count: skip.count ?? 1 }));
  return {
    name,
    sources: users.map((user) => user.sourceName),
    rule: first.rule,
    migrated: first.targetName !== null,
    created: actions.some((action) => action.type === "create-user"),
    counts,
    moved,
    changes,
    issues,
    unmatched: facts ? listed(facts.unmatchedOf(sourceIds), limit) : null,
    weak: facts ? listed(facts.weakOf(sourceIds), limit) : null,
    skipped,
  };
}

/** Why an action did not land; for verify, every action of the fresh plan is drift. */
function issueRow(input: PeopleInput, action: Action): IssueRow {
  const categories = actionCategories(action).join(", ");
  if (input.stage === "verify") {
    return {
      title: actionTitle(action),
      categories,
      outcome: OUTCOME_WORDS.drift!,
      reason: describeAction(action, "≠ expected"),
    };
  }
  const how = input.outcome(action);
  return {
    title: actionTitle(action),
    categories,
    outcome: OUTCOME_WORDS[how] ?? how,
    reason:
      input.reasons.get(action.key) ??
      (how === "not-started" ? "the run stopped before this action; run it again to finish" : how),
  };
}
