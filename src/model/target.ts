import { z } from "zod";
import { ExternalIdsSchema } from "./item.js";
import { EMPTY_WATCH_STATE, RatingSchema } from "./state.js";

/**
 * The target server as plexodus sees it, in plain terms. Wire shapes of Jellyfin and Emby
 * stay inside src/targets; these are what they convert to.
 */

export const TargetKindSchema = z.enum(["jellyfin", "emby"]);
export type TargetKind = z.infer<typeof TargetKindSchema>;

/** What a target version can do; the planner reads this instead of comparing versions. */
export const TargetFeaturesSchema = z.object({
  /** An absolute, side-effect-free user-data write exists (false on Jellyfin 10.8). */
  userDataWrite: z.boolean(),
  /** Playlists can be created private to one user. */
  privatePlaylists: z.boolean(),
  /**
   * Entries can be removed from a playlist with an admin API key (false on Jellyfin 10.9–10.10),
   * which rollback needs to undo entries appended to an existing playlist. Absent means yes.
   */
  playlistEntryRemoval: z.boolean().optional(),
});
export type TargetFeatures = z.infer<typeof TargetFeaturesSchema>;

export const TargetServerInfoSchema = z.object({
  kind: TargetKindSchema,
  /** Version as the server reports it ("10.11.11", "4.8.11.0"). */
  version: z.string().min(1),
  serverId: z.string().min(1),
  serverName: z.string(),
  /** Base URL without credentials. */
  url: z.string().min(1),
  features: TargetFeaturesSchema,
});
export type TargetServerInfo = z.infer<typeof TargetServerInfoSchema>;

/**
 * How a target validates user names, as data: the dialect of the connected target gives it and
 * the matcher's name sanitizer follows it (src/match/names.ts), so no version rule is derived
 * twice.
 */
export interface UserNameRule {
  /** Whose rule, for messages: "jellyfin 10.11.11". */
  readonly server: string;
  /** Whole names the server accepts; creating any other name is refused before it is sent. */
  readonly accepts: RegExp;
  /**
   * One character (code point) of a name plexodus makes. A name of these characters only,
   * without spaces around it and not in `reserved`, is one `accepts` takes.
   */
  readonly char: RegExp;
  /** Whole names refused although every character is allowed (Jellyfin 12: `.` and `..`). */
  readonly reserved?: readonly string[];
}

export const TargetUserSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  isAdmin: z.boolean(),
});
export type TargetUser = z.infer<typeof TargetUserSchema>;

export const TargetLibrarySchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(["movie", "show", "music", "mixed", "other"]),
  rootPaths: z.array(z.string()),
});
export type TargetLibrary = z.infer<typeof TargetLibrarySchema>;

export const TargetItemKindSchema = z.enum([
  "movie",
  "show",
  "season",
  "episode",
  "artist",
  "album",
  "track",
]);
export type TargetItemKind = z.infer<typeof TargetItemKindSchema>;

export const TargetItemSchema = z.object({
  id: z.string().min(1),
  kind: TargetItemKindSchema,
  /** Library (top-level folder) the item lives in; null when the server did not say. */
  libraryId: z.string().nullable(),
  title: z.string(),
  year: z.number().int().nullable(),
  externalIds: ExternalIdsSchema,
  /** Item path and every media source path, as the target host spells them. */
  paths: z.array(z.string()),
  /** Show of an episode or season, artist of an album. */
  showId: z.string().nullable(),
  /** Season of an episode, album of a track. */
  parentId: z.string().nullable(),
  seasonNumber: z.number().int().nullable(),
  episodeNumber: z.number().int().nullable(),
  /** Last episode a multi-episode file covers (IndexNumberEnd). */
  episodeNumberEnd: z.number().int().nullable(),
});
export type TargetItem = z.infer<typeof TargetItemSchema>;

/** One user's data for one target item, in plain units. */
export const TargetUserDataSchema = z.object({
  played: z.boolean(),
  playCount: z.number().int().nonnegative(),
  lastPlayedAt: z.date().nullable(),
  positionMs: z.number().nonnegative(),
  rating: RatingSchema.nullable(),
  isFavorite: z.boolean(),
});
export type TargetUserData = z.infer<typeof TargetUserDataSchema>;

const { ratedAt: _unknownOnTargets, ...unwatched } = EMPTY_WATCH_STATE;

/** User data of an item the user never touched: the empty watch state, not a favorite. */
export const EMPTY_USER_DATA: TargetUserData = Object.freeze({ ...unwatched, isFavorite: false });

export const TargetPlaylistSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  ownerUserId: z.string().nullable(),
  /** Entries in order: the item each points to and the entry's own id (for removal). */
  entries: z.array(z.object({ itemId: z.string().min(1), entryId: z.string().min(1) })),
});
export type TargetPlaylist = z.infer<typeof TargetPlaylistSchema>;

export const TargetCollectionSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  memberIds: z.array(z.string().min(1)),
});
export type TargetCollection = z.infer<typeof TargetCollectionSchema>;

/** Everything the matcher needs of the target. */
export const TargetIndexSchema = z.object({
  libraries: z.array(TargetLibrarySchema),
  items: z.array(TargetItemSchema),
});
export type TargetIndex = z.infer<typeof TargetIndexSchema>;
