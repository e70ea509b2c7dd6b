import { z } from "zod";

/** How user data meets the target's: merge never loses target data, mirror makes it equal Plex. */
export const ModeSchema = z.enum(["merge", "mirror"]);
export type Mode = z.infer<typeof ModeSchema>;

/**
 * The kinds of data a migration moves; --only and --skip select among them, and the plan
 * counts and skips per category. The order is the order reports list them in.
 */
export const CATEGORIES = ["users", "watched", "progress", "ratings", "playlists", "collections"] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;
