import { z } from "zod";

/** Where a snapshot came from. No secrets: a URL is stored without credentials. */
export const SourceInfoSchema = z.object({
  kind: z.enum(["plex-db", "plex-api", "plex-db+api"]),
  /** The Plex server's display name when known. */
  serverName: z.string().nullable(),
  /** The Plex server's machine identifier when known. */
  serverId: z.string().nullable(),
  /** Stable description of the schema (database) or API version the data was read with. */
  schemaFingerprint: z.string().min(1),
  /** Last applied schema migration of a database source, when known. */
  schemaVersion: z.string().nullable(),
  readAt: z.date(),
  /**
   * Old Plex databases store dates as text in the Plex host's local time: the zone they were
   * read in and how many such dates were read (history counts its latest play per user and
   * item), or null when there were none. Absent when the source cannot have them or was not
   * read yet.
   */
  localTimeZone: z
    .object({ zone: z.string().min(1), dates: z.number().int().positive() })
    .nullable()
    .optional(),
});
export type SourceInfo = z.infer<typeof SourceInfoSchema>;
