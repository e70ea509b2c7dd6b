import { z } from "zod";

/** Ratings on a 0–10 scale (10 = five stars). */
export const RatingSchema = z.number().min(0).max(10);

/**
 * One person's state for one item identity, after duplicates have been combined
 * (SEMANTICS §3).
 */
export const WatchStateSchema = z.object({
  userId: z.string().min(1),
  identity: z.string().min(1),
  played: z.boolean(),
  playCount: z.number().int().nonnegative(),
  lastPlayedAt: z.date().nullable(),
  positionMs: z.number().nonnegative(),
  rating: RatingSchema.nullable(),
  /** When the rating was given, for combining several states; null when unknown. */
  ratedAt: z.date().nullable(),
});
export type WatchState = z.infer<typeof WatchStateSchema>;

/** A watch state's values without whose and which: what one person did with one item. */
export type WatchValues = Omit<WatchState, "userId" | "identity">;

/**
 * Nothing played, no position, no rating: the one empty state. Readers fill the fields they
 * know over it; the planner compares against it in mirror mode; target user data starts from
 * it (EMPTY_USER_DATA).
 */
export const EMPTY_WATCH_STATE: Readonly<WatchValues> = Object.freeze({
  played: false,
  playCount: 0,
  lastPlayedAt: null,
  positionMs: 0,
  rating: null,
  ratedAt: null,
});

/** Per person and identity: how many plays the history holds and the latest one. */
export const HistorySummarySchema = z.object({
  userId: z.string().min(1),
  identity: z.string().min(1),
  plays: z.number().int().positive(),
  lastViewedAt: z.date(),
});
export type HistorySummary = z.infer<typeof HistorySummarySchema>;
