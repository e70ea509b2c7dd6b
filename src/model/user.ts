import { z } from "zod";

/** A field of a user's history that the source could not know (e.g. read through the API). */
export const UnknownFieldSchema = z.enum(["watched", "progress", "ratings", "playlists"]);
export type UnknownField = z.infer<typeof UnknownFieldSchema>;

/** A person on the source server. */
export const SourceUserSchema = z.object({
  /** Source account id as a decimal string ("1" is the server owner). */
  id: z.string().regex(/^[1-9][0-9]*$/, "must be a positive decimal account id"),
  name: z.string().min(1),
  isOwner: z.boolean(),
  /** True when the id only appears in state or history rows (no account row); named `account-<id>`. */
  isPlaceholder: z.boolean(),
  /** Fields the source cannot tell for this user; nothing is written for them. */
  unknownFields: z.array(UnknownFieldSchema),
  /**
   * Fields the source infers from this user's play history instead of reading Plex's own value:
   * through the Plex API, `watched` of every account but the owner (played = has a play, play
   * count = its plays; SEMANTICS §8, docs/sources.md). They are written, and reports say so.
   */
  inferredFields: z.array(UnknownFieldSchema),
});
export type SourceUser = z.infer<typeof SourceUserSchema>;
