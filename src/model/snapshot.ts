import { z } from "zod";
import { ItemSchema } from "./item.js";
import { LibrarySchema } from "./library.js";
import { CollectionSchema, PlaylistSchema } from "./playlist.js";
import { SourceInfoSchema } from "./source.js";
import { HistorySummarySchema, WatchStateSchema } from "./state.js";
import { SourceUserSchema } from "./user.js";

/** A warning the source raised while reading (never names excluded users or libraries). */
export const SourceWarningSchema = z.object({
  code: z.string().min(1),
  message: z.string().min(1),
});
export type SourceWarning = z.infer<typeof SourceWarningSchema>;

/** Everything a migration needs from the source, in plain terms. */
export const SnapshotSchema = z.object({
  source: SourceInfoSchema,
  users: z.array(SourceUserSchema),
  libraries: z.array(LibrarySchema),
  items: z.array(ItemSchema),
  states: z.array(WatchStateSchema),
  history: z.array(HistorySummarySchema),
  /** Number of history events read (before aggregation). */
  historyEventCount: z.number().int().nonnegative(),
  playlists: z.array(PlaylistSchema),
  collections: z.array(CollectionSchema),
  /** State rows whose identity matches no item. */
  orphanedStateCount: z.number().int().nonnegative(),
  warnings: z.array(SourceWarningSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
