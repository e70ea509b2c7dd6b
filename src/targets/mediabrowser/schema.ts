import { z } from "zod";
import { ServiceError } from "../../http/errors.js";
import {
  EMPTY_USER_DATA,
  type TargetItem,
  type TargetItemKind,
  type TargetLibrary,
  type TargetUser,
  type TargetUserData,
} from "../../model/index.js";

/**
 * Wire shapes of the Jellyfin/Emby DTO subsets plexodus uses, and their conversion into the
 * model. Both servers omit nulls (Jellyfin always, Emby mostly), so every optional field
 * accepts absent and null alike. Nothing outside src/targets sees these types.
 */

const str = z.string().nullish();
const int = z.number().int().nullish();

export const PublicSystemInfoWire = z.object({
  Version: z.string().min(1),
  ProductName: str,
  Id: z.string().min(1),
  ServerName: str,
});
export type PublicSystemInfoWire = z.infer<typeof PublicSystemInfoWire>;

export const UserWire = z.object({
  Id: z.string().min(1),
  Name: z.string().min(1),
  Policy: z.object({ IsAdministrator: z.boolean().nullish() }).nullish(),
});

export const UserDataWire = z.object({
  Rating: z.number().nullish(),
  PlaybackPositionTicks: z.number().nullish(),
  PlayCount: int,
  IsFavorite: z.boolean().nullish(),
  LastPlayedDate: str,
  Played: z.boolean().nullish(),
});
export type UserDataWire = z.infer<typeof UserDataWire>;

export const ItemWire = z.object({
  Id: z.string().min(1),
  Name: str,
  Type: str,
  ProductionYear: int,
  ProviderIds: z.record(z.string(), z.string().nullish()).nullish(),
  Path: str,
  MediaSources: z.array(z.object({ Path: str })).nullish(),
  SeriesId: str,
  SeasonId: str,
  ParentId: str,
  AlbumId: str,
  AlbumArtists: z.array(z.object({ Id: z.string() })).nullish(),
  IndexNumber: int,
  ParentIndexNumber: int,
  IndexNumberEnd: int,
  PlaylistItemId: str,
  UserData: UserDataWire.nullish(),
});
export type ItemWire = z.infer<typeof ItemWire>;

function makeQueryResult<T extends z.ZodType>(item: T) {
  return z.object({ Items: z.array(item), TotalRecordCount: z.number().int().nullish() });
}

/** One list schema per item schema: making a zod schema costs more than a page's parse. */
const queryResults = new WeakMap<z.ZodType, unknown>();

export function queryResult<T extends z.ZodType>(item: T): ReturnType<typeof makeQueryResult<T>> {
  let schema = queryResults.get(item) as ReturnType<typeof makeQueryResult<T>> | undefined;
  if (schema === undefined) {
    schema = makeQueryResult(item);
    queryResults.set(item, schema);
  }
  return schema;
}

export const VirtualFolderWire = z.object({
  Name: z.string().min(1),
  Locations: z.array(z.string()).nullish(),
  CollectionType: str,
  ItemId: str,
  Id: str,
});

export const CreatedWire = z.object({ Id: z.string().min(1) });

const KINDS: Readonly<Record<string, TargetItemKind>> = {
  Movie: "movie",
  Series: "show",
  Season: "season",
  Episode: "episode",
  MusicArtist: "artist",
  MusicAlbum: "album",
  Audio: "track",
};
export const INDEXED_TYPES = Object.keys(KINDS);

const TICKS_PER_MS = 10_000;

export function msToTicks(ms: number): number {
  return Math.round(ms * TICKS_PER_MS);
}

/**
 * Server dates: ISO with up to 7 fraction digits (`…23.0000000Z`), `Z` or an offset; a date
 * without zone is UTC (both servers store UTC). .NET's minimum date means "never".
 */
export function parseServerDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  let iso = text.replace(/(\.\d{3})\d+/, "$1");
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += "Z";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()))
    throw new ServiceError("failed", `the server sent an unreadable date: ${text.slice(0, 40)}`);
  return date.getUTCFullYear() <= 1 ? null : date;
}

export function toUserData(wire: UserDataWire | null | undefined): TargetUserData {
  if (!wire) return { ...EMPTY_USER_DATA };
  return {
    played: wire.Played ?? false,
    playCount: wire.PlayCount ?? 0,
    lastPlayedAt: parseServerDate(wire.LastPlayedDate),
    positionMs: Math.max(0, (wire.PlaybackPositionTicks ?? 0) / TICKS_PER_MS),
    rating: wire.Rating ?? null,
    isFavorite: wire.IsFavorite ?? false,
  };
}

export function toUser(wire: z.infer<typeof UserWire>): TargetUser {
  return { id: wire.Id, name: wire.Name, isAdmin: wire.Policy?.IsAdministrator ?? false };
}

const LIBRARY_KINDS: Readonly<Record<string, TargetLibrary["kind"]>> = {
  movies: "movie",
  tvshows: "show",
  music: "music",
  mixed: "mixed",
};

export function toLibrary(wire: z.infer<typeof VirtualFolderWire>): TargetLibrary {
  // ItemId is the CollectionFolder used as ParentId; Emby may omit it and give Id instead.
  const id = wire.ItemId || wire.Id;
  // Without an id its items cannot be listed: a library silently missing from the index
  // would make every item in it look unmatched.
  if (!id) throw new ServiceError("failed", `the server gave library "${wire.Name}" without an ItemId or Id`);
  const type = wire.CollectionType?.toLowerCase();
  return {
    id,
    name: wire.Name,
    kind: type ? (LIBRARY_KINDS[type] ?? "other") : "mixed",
    rootPaths: wire.Locations ?? [],
  };
}

/** Null for item types plexodus does not match (folders, trailers, …). */
export function toTargetItem(wire: ItemWire, libraryId: string | null): TargetItem | null {
  const kind = wire.Type ? KINDS[wire.Type] : undefined;
  if (!kind) return null;
  const externalIds: Record<string, string> = {};
  for (const [key, value] of Object.entries(wire.ProviderIds ?? {})) {
    if (value) externalIds[key.toLowerCase().replace(/[^a-z0-9_]/g, "_")] = value;
  }
  const paths = new Set<string>();
  if (wire.Path) paths.add(wire.Path);
  for (const source of wire.MediaSources ?? []) if (source.Path) paths.add(source.Path);
  const isEpisode = kind === "episode";
  const isTrack = kind === "track";
  return {
    id: wire.Id,
    kind,
    libraryId,
    title: wire.Name ?? "",
    year: wire.ProductionYear ?? null,
    externalIds,
    paths: [...paths],
    showId:
      kind === "album"
        ? (wire.AlbumArtists?.[0]?.Id ?? null)
        : kind === "episode" || kind === "season"
          ? (wire.SeriesId ?? null)
          : null,
    parentId: (isEpisode ? wire.SeasonId : isTrack ? wire.AlbumId : undefined) ?? wire.ParentId ?? null,
    seasonNumber:
      (kind === "season" ? wire.IndexNumber : isEpisode || isTrack ? wire.ParentIndexNumber : null) ?? null,
    episodeNumber: isEpisode || isTrack ? (wire.IndexNumber ?? null) : null,
    episodeNumberEnd: isEpisode ? (wire.IndexNumberEnd ?? null) : null,
  };
}
