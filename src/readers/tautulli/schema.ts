import { z } from "zod";

/**
 * Wire shapes of Tautulli's API v2 `get_history` (reference/plex-database.md §11). Tautulli
 * sends numbers as numbers or strings depending on version and field; both are accepted.
 */

const numberLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, "expected a number")
    .transform(Number),
]);
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v == null || v === "" ? undefined : v));
const optionalNumber = z
  .union([numberLike, z.literal(""), z.null()])
  .optional()
  .transform((v) => (typeof v === "number" ? v : undefined));

export const HistoryRowSchema = z.object({
  user_id: optionalNumber,
  user: optionalText,
  rating_key: optionalNumber,
  guid: optionalText,
  media_type: optionalText,
  date: optionalNumber,
  started: optionalNumber,
  stopped: optionalNumber,
  /** 0, 0.25, 0.5, 0.75 or 1; 1 = reached the watched threshold. */
  watched_status: optionalNumber,
});
export type TautulliHistoryRow = z.infer<typeof HistoryRowSchema>;

export const EnvelopeSchema = z.object({
  response: z.object({
    result: z.string(),
    message: z.string().nullish(),
    data: z.unknown(),
  }),
});

export const HistoryDataSchema = z.object({
  recordsFiltered: numberLike.optional(),
  recordsTotal: numberLike.optional(),
  data: z.array(HistoryRowSchema).default([]),
});
