import { z } from "zod";

/** How user data meets the target's: merge never loses target data, mirror makes it equal Plex. */
export const ModeSchema = z.enum(["merge", "mirror"]);
export type Mode = z.infer<typeof ModeSchema>;
