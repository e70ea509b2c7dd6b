import { z } from "zod";

export const PlaylistSchema = z.object({
  key: z.string().min(1),
  ownerUserId: z.string().min(1),
  title: z.string(),
  mediaKind: z.enum(["video", "audio", "photo"]),
  isSmart: z.boolean(),
  /** Item keys in source order, duplicates kept as the source has them; null when unknown (smart). */
  entries: z.array(z.string().min(1)).nullable(),
  /**
   * Entries left out because they point into excluded libraries (set by scoping). Only a
   * count: those items are never named anywhere.
   */
  excludedEntryCount: z.number().int().nonnegative().optional(),
});
export type Playlist = z.infer<typeof PlaylistSchema>;

export const CollectionSchema = z.object({
  key: z.string().min(1),
  libraryId: z.string().min(1),
  title: z.string(),
  isSmart: z.boolean(),
  /** Member item keys; null when unknown (smart collection without membership). */
  memberKeys: z.array(z.string().min(1)).nullable(),
});
export type Collection = z.infer<typeof CollectionSchema>;
