import { z } from "zod";

export const ItemKindSchema = z.enum(["movie", "show", "season", "episode", "artist", "album", "track"]);
export type ItemKind = z.infer<typeof ItemKindSchema>;

/** Kinds that carry watched state (played, count, position). */
export const LEAF_KINDS: ReadonlySet<ItemKind> = new Set(["movie", "episode", "track"]);

/**
 * External ids keyed by lower-case provider name (`imdb`, `tmdb`, `tvdb`, …).
 * Values are kept as the provider spells them (`tt0111161`, `278`).
 */
export const ExternalIdsSchema = z.record(
  z.string().regex(/^[a-z0-9_]+$/, "provider keys are lower-case"),
  z.string().min(1),
);
export type ExternalIds = z.infer<typeof ExternalIdsSchema>;

const count = z.number().int().nonnegative();

export const ItemSchema = z.object({
  /** Stable key of the item within its source (a Plex metadata item id as a string). */
  key: z.string().min(1),
  /**
   * Identity that per-user state and history attach to. Several items may share one
   * identity (the same film in two libraries); state then applies to all of them.
   */
  identity: z.string().min(1),
  kind: ItemKindSchema,
  libraryId: z.string().min(1),
  title: z.string(),
  year: z.number().int().nullable(),
  externalIds: ExternalIdsSchema,
  /**
   * Ids of the show an episode belongs to, when the episode's own identity names the show
   * rather than the episode (legacy TheTVDB episode identities). Empty otherwise.
   */
  showExternalIds: ExternalIdsSchema,
  /** Every file of every part of every version, as the source host spells it. */
  filePaths: z.array(z.string().min(1)),
  /** Season of an episode, show of a season, album of a track, artist of an album. */
  parentKey: z.string().nullable(),
  /** Show of an episode, artist of a track. */
  grandparentKey: z.string().nullable(),
  /** Season number of an episode or season; disc number of a track. */
  seasonNumber: count.nullable(),
  /** Episode number of an episode; track number of a track. */
  episodeNumber: count.nullable(),
  durationMs: count.nullable(),
  /** The item is in the source's trash; its people's history still counts. */
  isDeleted: z.boolean(),
});
export type Item = z.infer<typeof ItemSchema>;
