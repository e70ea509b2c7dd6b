import { z } from "zod";

/**
 * Results of matching, shared by the matcher, the planner and the reports. The rule and
 * reason words are vocabularies (zod enums): the plan file validates them, and a misspelled
 * one does not compile.
 */

/** Which evidence paired a source item with a target item (SEMANTICS §2, in order). */
export const MatchRuleSchema = z.enum(["external-id", "episode", "path", "title-year"]);
export type MatchRule = z.infer<typeof MatchRuleSchema>;

/** Why a source item has no target item. */
export const MissReasonSchema = z.enum(["no-candidate", "ambiguous", "id-conflict", "type-mismatch"]);
export type MissReason = z.infer<typeof MissReasonSchema>;

export interface ItemMatch {
  itemKey: string;
  targetId: string;
  rule: MatchRule;
  /** Title + year matches are weak and reported as such. */
  weak: boolean;
  /** Other evidence pointed elsewhere; the match stands (ids win) and the conflict is reported. */
  conflict: { rule: MatchRule; targetId: string } | null;
}

export interface ItemMiss {
  itemKey: string;
  reason: MissReason;
  /** Human explanation naming the evidence tried, e.g. "2 candidates share title and year". */
  detail: string;
  /** Target ids that were left (ambiguous) or disagreed (id-conflict). */
  candidateIds: string[];
}

export interface MatchResult {
  /** Source item key → match. */
  matches: Map<string, ItemMatch>;
  /** Every source item (of included libraries) that was tried and not matched. */
  misses: Map<string, ItemMiss>;
}

/** How a source account was paired with a target user (SEMANTICS §1). */
export const UserMapRuleSchema = z.enum(["user-map", "name", "sanitized-name", "create"]);
export type UserMapRule = z.infer<typeof UserMapRuleSchema>;

/** Why a source account has no target user. */
export const UserMissReasonSchema = z.enum(["unmapped", "map-target-missing"]);
export type UserMissReason = z.infer<typeof UserMissReasonSchema>;

export interface UserMapping {
  sourceUserId: string;
  /** Target user name (existing, or the one to create). */
  targetName: string;
  /** Null when the user is still to be created. */
  targetUserId: string | null;
  rule: UserMapRule;
}

export interface UserMiss {
  sourceUserId: string;
  reason: UserMissReason;
  detail: string;
}

export interface UserMappingResult {
  mapped: UserMapping[];
  unmapped: UserMiss[];
}
