import { z } from "zod";

/**
 * One play, as a history source streams it. No reader keeps plays one by one (they are
 * summed on the fly into HistorySummary), so the shape lives with the tests that use it.
 */
export const HistoryEventSchema = z.object({
  userId: z.string().min(1),
  identity: z.string().min(1),
  /** Item the play belonged to, when it still exists. */
  itemKey: z.string().nullable(),
  viewedAt: z.date(),
});
export type HistoryEvent = z.infer<typeof HistoryEventSchema>;
