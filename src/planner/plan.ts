import { z } from "zod";
import {
  MatchRuleSchema,
  MissReasonSchema,
  UserMapRuleSchema,
  UserMissReasonSchema,
} from "../match/types.js";
import { CategorySchema, ModeSchema, SourceInfoSchema, TargetKindSchema } from "../model/index.js";

/**
 * The plan: the dry run, the file `plan --out` writes and `apply --plan` reads. Versioned and
 * validated on load. Holds no secrets. Dates are ISO-8601 UTC strings.
 */

// The category vocabulary is the model's; the plan's readers find it here too.
export { CATEGORIES, type Category, CategorySchema } from "../model/index.js";

const isoDate = z.iso.datetime({ offset: true });

/** User data as stored in a plan (JSON-safe form of TargetUserData). */
export const PlanUserDataSchema = z.object({
  played: z.boolean(),
  playCount: z.number().int().nonnegative(),
  lastPlayedAt: isoDate.nullable(),
  positionMs: z.number().nonnegative(),
  rating: z.number().min(0).max(10).nullable(),
  isFavorite: z.boolean(),
});
export type PlanUserData = z.infer<typeof PlanUserDataSchema>;

/**
 * A target user an action is for. `id` is null when the plan also creates the user; the
 * executor then resolves it by name after the creation.
 */
export const PlanUserRefSchema = z.object({ name: z.string().min(1), id: z.string().min(1).nullable() });
export type PlanUserRef = z.infer<typeof PlanUserRefSchema>;

const base = {
  /** Stable across runs for the same intent; the journal is keyed by it. */
  key: z.string().min(1),
};

export const CreateUserActionSchema = z.object({
  ...base,
  type: z.literal("create-user"),
  user: PlanUserRefSchema,
  /** Source account, for reports. */
  sourceUserId: z.string(),
});

export const SetUserDataActionSchema = z.object({
  ...base,
  type: z.literal("set-user-data"),
  user: PlanUserRefSchema,
  itemId: z.string().min(1),
  /** Title for humans (only from included libraries). */
  title: z.string(),
  /** Source items whose state this carries. */
  sourceItemKeys: z.array(z.string()),
  /** Categories this write touches (watched, progress, ratings). */
  categories: z.array(CategorySchema).min(1),
  /** The target's value when planned; re-checked before writing. */
  before: PlanUserDataSchema,
  /** Only the fields to change, with their new values. */
  set: PlanUserDataSchema.partial(),
});

export const CreatePlaylistActionSchema = z.object({
  ...base,
  type: z.literal("create-playlist"),
  user: PlanUserRefSchema,
  title: z.string(),
  itemIds: z.array(z.string().min(1)).min(1),
});

export const AddPlaylistEntriesActionSchema = z.object({
  ...base,
  type: z.literal("add-playlist-entries"),
  user: PlanUserRefSchema,
  playlistId: z.string().min(1),
  title: z.string(),
  /** Entries the playlist held when planned (item ids in order). */
  before: z.array(z.string()),
  itemIds: z.array(z.string().min(1)).min(1),
});

export const CreateCollectionActionSchema = z.object({
  ...base,
  type: z.literal("create-collection"),
  title: z.string(),
  itemIds: z.array(z.string().min(1)).min(1),
});

export const AddCollectionMembersActionSchema = z.object({
  ...base,
  type: z.literal("add-collection-members"),
  collectionId: z.string().min(1),
  title: z.string(),
  before: z.array(z.string()),
  itemIds: z.array(z.string().min(1)).min(1),
});

export const ActionSchema = z.discriminatedUnion("type", [
  CreateUserActionSchema,
  SetUserDataActionSchema,
  CreatePlaylistActionSchema,
  AddPlaylistEntriesActionSchema,
  CreateCollectionActionSchema,
  AddCollectionMembersActionSchema,
]);
export type Action = z.infer<typeof ActionSchema>;
export type ActionOf<T extends Action["type"]> = Extract<Action, { type: T }>;

/** Why the plan leaves something out; docs/plan-format.md "Skip reasons" explains each. */
export const SkipReasonSchema = z.enum([
  // users
  ...UserMissReasonSchema.options,
  "creation-skipped",
  "unknown-in-source",
  // watched, progress, ratings
  "target-cannot-write",
  // playlists and collections
  "smart-membership-unknown",
  "duplicate-entries",
  "unmatched-entries",
  "unmatched-members",
  "excluded-library-entries",
  "no-matched-entries",
  "no-matched-members",
  "target-playlists-not-private",
]);
export type SkipReason = z.infer<typeof SkipReasonSchema>;

/** Something the plan leaves out, with a reason code a report can print. */
export const SkipSchema = z.object({
  category: CategorySchema,
  reason: SkipReasonSchema,
  /** Readable subject: a user name, an item title (only from included libraries). */
  subject: z.string(),
  detail: z.string(),
  /** How many things this entry stands for (e.g. items of one user); 1 when absent. */
  count: z.number().int().positive().optional(),
});
export type Skip = z.infer<typeof SkipSchema>;

/** A source item with state, playlist or collection membership that found no target item. */
export const UnmatchedSchema = z.object({
  itemKey: z.string(),
  title: z.string(),
  kind: z.string(),
  library: z.string(),
  reason: MissReasonSchema,
  detail: z.string(),
});
export type Unmatched = z.infer<typeof UnmatchedSchema>;

/** How a source account was paired with a target user, or why it was not (then it has no target). */
export const PlanUserRuleSchema = z.enum([...UserMapRuleSchema.options, ...UserMissReasonSchema.options]);
export type PlanUserRule = z.infer<typeof PlanUserRuleSchema>;

export const PlanUserSchema = z.object({
  sourceUserId: z.string(),
  sourceName: z.string(),
  targetName: z.string().nullable(),
  targetUserId: z.string().nullable(),
  rule: PlanUserRuleSchema,
});
export type PlanUser = z.infer<typeof PlanUserSchema>;

export const CountsSchema = z.record(CategorySchema, z.number().int().nonnegative());

/** A pairing a person should look at: made by title and year alone, or against other evidence. */
export const ReviewMatchSchema = z.object({
  itemKey: z.string(),
  /** The Plex item as a person recognises it (only from included libraries). */
  title: z.string(),
  kind: z.string(),
  library: z.string(),
  targetId: z.string(),
  /** The target item's title (and year) as the target holds it; null when not read. */
  targetTitle: z.string().nullable(),
  /** For a conflicting pairing: the rule that pointed elsewhere and where. */
  conflict: z.object({ rule: MatchRuleSchema, targetId: z.string() }).nullable(),
});
export type ReviewMatch = z.infer<typeof ReviewMatchSchema>;

const count = z.number().int().nonnegative();

/**
 * How the selected Plex items were paired (SEMANTICS §2, docs/matching.md "The match report"):
 * counts per rule, and the pairings to check by hand.
 */
export const PlanMatchingSchema = z.object({
  /** Items of the selected libraries the matcher tried: matched + unmatched. */
  items: count,
  matched: count,
  /** Items with no target item; those that carry something to migrate are in `unmatched`. */
  unmatched: count,
  /** Matches per rule (external-id, episode, path, title-year); adds up to `matched`. */
  byRule: z.record(MatchRuleSchema, count),
  /** Weak matches: by title and year, or by number inside a show or album matched that way. */
  weak: count,
  /** Every title + year match, for review. */
  titleYear: z.array(ReviewMatchSchema),
  /** Every match whose later evidence (position or path) pointed to another target item. */
  conflicts: z.array(ReviewMatchSchema),
});
export type PlanMatching = z.infer<typeof PlanMatchingSchema>;

export const PlanSchema = z.object({
  version: z.literal(1),
  createdAt: isoDate,
  source: z.object({
    kind: z.string(),
    serverName: z.string().nullable(),
    serverId: z.string().nullable(),
    schemaFingerprint: z.string(),
    /** Zone local-time text dates of an old database were read in (SourceInfo); null: none. */
    localTimeZone: SourceInfoSchema.shape.localTimeZone,
  }),
  target: z.object({
    kind: TargetKindSchema,
    version: z.string(),
    serverId: z.string(),
    serverName: z.string(),
    url: z.string(),
  }),
  options: z.object({
    mode: ModeSchema,
    kinds: z.array(CategorySchema),
    favoriteMinRating: z.number().nullable(),
  }),
  users: z.array(PlanUserSchema),
  actions: z.array(ActionSchema),
  skipped: z.array(SkipSchema),
  unmatched: z.array(UnmatchedSchema),
  /** Things the target cannot take exactly (e.g. Jellyfin 10.8 has no user-data write). */
  limitations: z.array(z.string()),
  /** Changes planned per category. */
  counts: CountsSchema,
  /** How items were paired; absent in plans saved by versions before it was recorded. */
  matching: PlanMatchingSchema.optional(),
});
export type Plan = z.infer<typeof PlanSchema>;

const hex = (length: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `must be ${length} hex digits`);

/**
 * What a saved plan file adds to the plan: digests of its canonical content, so `apply`
 * refuses a plan changed after it was written and can name what changed (docs/plan-format.md
 * "Integrity"). Not a signature: it guards against edits and damage, not against forgery.
 */
export const PlanIntegritySchema = z.object({
  algorithm: z.literal("sha256"),
  /** SHA-256 of the canonical JSON of every other field of the file. */
  digest: hex(64),
  /** Short digest of each top-level field but `actions`. */
  sections: z.record(z.string(), hex(16)),
  /** Short digest of each action, by key, in plan order. */
  actions: z.record(z.string(), hex(16)),
});
export type PlanIntegrity = z.infer<typeof PlanIntegritySchema>;

/** A plan as `plan --out` writes it: the plan and its integrity block. */
export const PlanFileSchema = PlanSchema.extend({ integrity: PlanIntegritySchema });
