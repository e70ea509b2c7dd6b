import type { UserMapping, UserMappingResult } from "../match/types.js";
import type { SourceUser, UnknownField } from "../model/index.js";
import { nameKey } from "../model/index.js";
import { compareKeys } from "./context.js";
import { userKey } from "./keys.js";
import type { ActionOf, Category, PlanUser, PlanUserRef, Skip } from "./plan.js";

/** A target user the plan writes for, with the source accounts whose data goes there. */
export interface PlannedUser {
  /** Lower-cased target name: the stable part of action keys. */
  key: string;
  ref: PlanUserRef;
  sources: SourceUser[];
  creates: boolean;
}

export interface PlanUsersResult {
  planned: PlannedUser[];
  users: PlanUser[];
  actions: ActionOf<"create-user">[];
  skipped: Skip[];
}

const FIELD_CATEGORY: Record<UnknownField, Category> = {
  watched: "watched",
  progress: "progress",
  ratings: "ratings",
  playlists: "playlists",
};

const UNKNOWN_WHAT: Record<UnknownField, string> = {
  watched: "watched state",
  progress: "resume positions",
  ratings: "ratings",
  playlists: "playlists",
};

/**
 * Pairs the scoped source users with the mapping result (SEMANTICS §1). Only users of the
 * snapshot are considered, so an excluded account leaves no trace even if the mapping
 * mentions it; an account the mapping forgot is reported unmapped, never guessed.
 */
export function planUsers(
  sourceUsers: readonly SourceUser[],
  mapping: UserMappingResult,
  kinds: ReadonlySet<Category>,
): PlanUsersResult {
  const mappedById = new Map<string, UserMapping>(mapping.mapped.map((m) => [m.sourceUserId, m]));
  const missById = new Map(mapping.unmapped.map((m) => [m.sourceUserId, m]));
  const planned = new Map<string, PlannedUser>();
  const result: PlanUsersResult = { planned: [], users: [], actions: [], skipped: [] };

  for (const user of [...sourceUsers].sort((a, b) => compareKeys(a.id, b.id))) {
    const mapped = mappedById.get(user.id);
    if (!mapped) {
      const miss = missById.get(user.id);
      const reason = miss?.reason ?? "unmapped";
      result.users.push({
        sourceUserId: user.id,
        sourceName: user.name,
        targetName: null,
        targetUserId: null,
        rule: reason,
      });
      result.skipped.push({
        category: "users",
        reason,
        subject: user.name,
        detail: miss?.detail ?? "no target user was found for this account; nothing is planned for it",
      });
      continue;
    }
    result.users.push({
      sourceUserId: user.id,
      sourceName: user.name,
      targetName: mapped.targetName,
      targetUserId: mapped.targetUserId,
      rule: mapped.rule,
    });
    const creates = mapped.targetUserId === null;
    if (creates && !kinds.has("users")) {
      result.skipped.push({
        category: "users",
        reason: "creation-skipped",
        subject: user.name,
        detail: `target user "${mapped.targetName}" would have to be created, but users are left out (--only/--skip); nothing is planned for this account`,
      });
      continue;
    }
    const key = nameKey(mapped.targetName);
    const existing = planned.get(key);
    if (existing) {
      existing.sources.push(user);
      continue;
    }
    planned.set(key, {
      key,
      // Frozen: every action of this user shares it (planner/digest.ts caches its text).
      ref: Object.freeze({ name: mapped.targetName, id: mapped.targetUserId }) as PlanUserRef,
      sources: [user],
      creates,
    });
    if (creates) {
      result.actions.push({
        key: userKey(key),
        type: "create-user",
        user: { name: mapped.targetName, id: null },
        sourceUserId: user.id,
      });
    }
    for (const field of user.unknownFields) {
      const category = FIELD_CATEGORY[field];
      if (!kinds.has(category)) continue;
      result.skipped.push({
        category,
        reason: "unknown-in-source",
        subject: user.name,
        detail: `the source cannot tell this account's ${UNKNOWN_WHAT[field]} (read through the Plex API); nothing is written for them`,
      });
    }
  }
  result.planned = [...planned.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  result.actions.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return result;
}

/** Categories of user data this target user may receive from this source account. */
export function knownCategories(user: SourceUser, kinds: ReadonlySet<Category>): Set<Category> {
  const unknown = new Set(user.unknownFields.map((field) => FIELD_CATEGORY[field]));
  return new Set([...kinds].filter((category) => !unknown.has(category)));
}
