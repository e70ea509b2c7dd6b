import { z } from "zod";

/**
 * Wire shapes of the Plex Media Server JSON API (reference/plex-database.md §10), validated at
 * the boundary. Only the fields plexodus reads are declared; Plex sends many more. Numeric ids
 * (`ratingKey`, section `key`, `librarySectionID`) arrive as strings; counts and times as
 * numbers, but some servers and proxies send them as strings too, so both are accepted.
 */

const numberLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, "expected a number")
    .transform(Number),
]);
/** An id kept as its decimal string whatever JSON type carried it. */
const id = z.union([z.string().min(1), z.number().int()]).transform(String);
/** `smart` is `true`/`false` on current servers, `"1"`/`"0"` or 1/0 on others. */
const flag = z.union([z.boolean(), z.literal(0), z.literal(1), z.enum(["0", "1"])]).transform((v) => {
  return v === true || v === 1 || v === "1";
});

/** Every answer wraps its payload in `MediaContainer`, with paging counts for lists. */
function container<T extends z.ZodRawShape>(shape: T) {
  return z.object({
    MediaContainer: z.object({
      size: numberLike.optional(),
      totalSize: numberLike.optional(),
      offset: numberLike.optional(),
      ...shape,
    }),
  });
}

export const IdentitySchema = container({
  machineIdentifier: z.string().min(1),
  friendlyName: z.string().optional(),
  version: z.string().min(1),
});

export const AccountSchema = z.object({
  id: numberLike,
  name: z.string().optional(),
});
export const AccountsSchema = container({ Account: z.array(AccountSchema).default([]) });

export const SectionSchema = z.object({
  key: id,
  type: z.string(),
  title: z.string(),
  agent: z.string().optional(),
  scanner: z.string().optional(),
  Location: z.array(z.object({ path: z.string() })).default([]),
});
export type WireSection = z.infer<typeof SectionSchema>;
export const SectionsSchema = container({ Directory: z.array(SectionSchema).default([]) });

const PartSchema = z.object({ file: z.string().optional() });
const MediaSchema = z.object({ Part: z.array(PartSchema).default([]) });

/** An item of a section listing, a playlist's entries or a collection's children. */
export const MetadataSchema = z.object({
  ratingKey: id,
  type: z.string(),
  guid: z.string().optional(),
  title: z.string().default(""),
  year: numberLike.optional(),
  index: numberLike.optional(),
  parentIndex: numberLike.optional(),
  parentRatingKey: id.optional(),
  grandparentRatingKey: id.optional(),
  librarySectionID: id.optional(),
  duration: numberLike.optional(),
  /** Set on items in Plex's trash [UNCERTAIN: attribute name taken from the S5 spec]. */
  deletedAt: numberLike.optional(),
  /** The token owner's own state (§10.2): not anyone else's. */
  viewCount: numberLike.optional(),
  viewOffset: numberLike.optional(),
  lastViewedAt: numberLike.optional(),
  userRating: numberLike.optional(),
  lastRatedAt: numberLike.optional(),
  Guid: z.array(z.object({ id: z.string() })).default([]),
  Media: z.array(MediaSchema).default([]),
});
export type WireMetadata = z.infer<typeof MetadataSchema>;
export const MetadataListSchema = container({ Metadata: z.array(MetadataSchema).default([]) });

/** One play of the history feed (§10.1): no guid, no state; ratingKey may be missing for gone media. */
export const HistoryEntrySchema = z.object({
  ratingKey: id.optional(),
  accountID: numberLike,
  viewedAt: numberLike,
});
export type WireHistoryEntry = z.infer<typeof HistoryEntrySchema>;
export const HistorySchema = container({ Metadata: z.array(HistoryEntrySchema).default([]) });

/** A playlist or collection header. */
export const ListSchema = z.object({
  ratingKey: id,
  title: z.string().default(""),
  smart: flag.default(false),
  playlistType: z.string().optional(),
});
export type WireList = z.infer<typeof ListSchema>;
export const ListsSchema = container({ Metadata: z.array(ListSchema).default([]) });

/** Only the member's key matters for membership; the rest of the entry is ignored. */
export const MemberSchema = z.object({ ratingKey: id });
export const MembersSchema = container({ Metadata: z.array(MemberSchema).default([]) });
