import type { Personality } from "./personality.js";
import { mediaSourcesOf, type Store, type StoredItem } from "./store.js";
import { shownData, type UserDataOptions, userDataDto } from "./userdata.js";

/** How an item is rendered: which gated fields were asked for and for which user. */
export interface DtoOptions {
  userId: string | null;
  /** Lowercased names from `fields`. */
  fields: ReadonlySet<string>;
  enableUserData: boolean;
  /** Single-item GETs return every field (and Emby's counts). */
  full?: boolean;
  playlistItemId?: string;
}

const wants = (options: DtoOptions, field: string) => options.full === true || options.fields.has(field);

/** CollectionType as BaseItemDto carries it: lowercase; "mixed" libraries have none. */
function itemCollectionType(item: StoredItem): string | undefined {
  if (item.type === "BoxSet") return "boxsets";
  if (item.type === "Playlist") return undefined;
  if (!item.collectionType || item.collectionType === "mixed") return undefined;
  return item.collectionType;
}

export function itemDto(
  p: Personality,
  store: Store,
  item: StoredItem,
  options: DtoOptions,
): Record<string, unknown> {
  const dto: Record<string, unknown> = {
    Name: item.name,
    ServerId: store.serverId,
    Id: item.id,
  };
  if (options.playlistItemId) dto.PlaylistItemId = options.playlistItemId;
  if (wants(options, "path") && item.path) dto.Path = item.path;
  if (item.year !== undefined) dto.ProductionYear = item.year;
  if (item.indexNumber !== undefined) dto.IndexNumber = item.indexNumber;
  if (item.indexNumberEnd !== undefined) dto.IndexNumberEnd = item.indexNumberEnd;
  if (item.parentIndexNumber !== undefined) dto.ParentIndexNumber = item.parentIndexNumber;
  if (item.runTimeTicks !== undefined) dto.RunTimeTicks = item.runTimeTicks;
  if (wants(options, "providerids")) dto.ProviderIds = { ...item.providerIds };
  dto.IsFolder = item.isFolder;
  if (item.parentId && (p.kind === "jellyfin" || wants(options, "parentid"))) dto.ParentId = item.parentId;
  dto.Type = item.type;
  const collectionType = itemCollectionType(item);
  if (collectionType) dto.CollectionType = collectionType;
  if (item.seriesName) dto.SeriesName = item.seriesName;
  if (item.seriesId) dto.SeriesId = item.seriesId;
  if (item.seasonId) dto.SeasonId = item.seasonId;
  if (item.seasonName && p.kind === "jellyfin") dto.SeasonName = item.seasonName;
  if (item.albumName) dto.Album = item.albumName;
  if (item.albumId) dto.AlbumId = item.albumId;
  if (item.artistId && (item.type === "MusicAlbum" || item.type === "Audio")) {
    dto.AlbumArtists = [{ Name: item.artistName ?? "", Id: item.artistId }];
  }
  if (item.type === "Playlist" && item.playlist) dto.MediaType = item.playlist.mediaType;
  else if (item.mediaType !== "Unknown" || p.kind === "jellyfin") dto.MediaType = item.mediaType;
  const sources = wants(options, "mediasources") ? mediaSourcesOf(item) : [];
  if (sources.length > 0) {
    dto.MediaSources = sources.map((source) => ({
      Protocol: "File",
      Id: source.id,
      Path: source.path,
      Type: "Default",
      Name: source.name,
      IsRemote: false,
    }));
  }
  dto.LocationType = "FileSystem";
  if (options.enableUserData && options.userId) {
    const data = shownData(p, store, options.userId, item);
    const listing = p.kind === "emby" && !options.full;
    const dataOptions: UserDataOptions = {
      hidePlayCount: listing && !options.fields.has("userdataplaycount"),
      hideLastPlayedDate: listing && !options.fields.has("userdatalastplayeddate"),
    };
    dto.UserData = userDataDto(p, item, data, store.dataKey(item, store), dataOptions);
  }
  return dto;
}
