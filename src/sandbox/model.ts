/** The sandbox's stored shapes: items, users, user data (kind-neutral). */

export interface MediaSource {
  id: string;
  path: string;
  /** Display name; default the file name without extension. */
  name?: string | undefined;
}

export interface PlaylistEntry {
  entryId: string;
  itemId: string;
}

export interface PlaylistState {
  ownerId: string | null;
  shares: { userId: string; canEdit: boolean }[];
  isPublic: boolean;
  mediaType: "Video" | "Audio";
  entries: PlaylistEntry[];
}

/** How a personality's playlists hold entries (target-apis §6.2, §12.6). */
export interface PlaylistRules {
  /** Jellyfin 12: adding an item already present (or twice) appends another entry. */
  keepDuplicates: boolean;
  /** Jellyfin 10.10+: PlaylistItemId is the item's id; 10.8–10.9 and Emby number entries. */
  entryIdIsItemId: boolean;
}

export interface StoredItem {
  id: string;
  /** Position in library order, so merged index lists can be put back in order. */
  ordinal?: number;
  type: string;
  name: string;
  ref?: string;
  year?: number;
  providerIds: Record<string, string>;
  path?: string;
  /**
   * Extra versions only; a playable item with a path and no entry here has one source at its
   * path (kept implicit so 100k-item libraries allocate less). Read through `mediaSourcesOf`.
   */
  mediaSources: MediaSource[];
  indexNumber?: number;
  parentIndexNumber?: number;
  indexNumberEnd?: number;
  runTimeTicks?: number;
  parentId: string | null;
  libraryId: string | null;
  seriesId?: string;
  seriesName?: string;
  seasonId?: string;
  seasonName?: string;
  albumId?: string;
  albumName?: string;
  /** The MusicArtist an album or track sits under; served as AlbumArtists. */
  artistId?: string;
  artistName?: string;
  isFolder: boolean;
  mediaType: "Video" | "Audio" | "Unknown";
  /** Libraries (CollectionFolder) only. */
  collectionType?: string;
  locations?: string[];
  playlist?: PlaylistState;
  memberIds?: string[];
}

export interface StoredUser {
  id: string;
  name: string;
  password: string;
  isAdmin: boolean;
  isDisabled: boolean;
  isHidden: boolean;
  /** Policy fields the sandbox does not interpret, kept as the client sent them. */
  policyExtra: Record<string, unknown>;
  lastLoginDate?: string;
}

export interface UserData {
  played: boolean;
  playCount: number;
  lastPlayedDate: string | null;
  playbackPositionTicks: number;
  isFavorite: boolean;
  rating: number | null;
}

export const emptyUserData = (): UserData => ({
  played: false,
  playCount: 0,
  lastPlayedDate: null,
  playbackPositionTicks: 0,
  isFavorite: false,
  rating: null,
});

/** Server dates: UTC, 7 fractional digits, Z (as both servers write them). */
export function formatDate(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

const baseName = (path: string) => path.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");

/** The media sources of an item, with the implicit single source made explicit. */
export function mediaSourcesOf(item: StoredItem): Required<MediaSource>[] {
  if (item.mediaSources.length > 0) {
    return item.mediaSources.map((s) => ({ id: s.id, path: s.path, name: s.name ?? baseName(s.path) }));
  }
  if (item.isFolder || item.path === undefined) return [];
  return [{ id: item.id, path: item.path, name: baseName(item.path) }];
}

/** Every item has the same shape (all fields present), which keeps 100k-item stores fast. */
export function newItem(
  id: string,
  type: string,
  name: string,
  parentId: string | null,
  libraryId: string | null,
  isFolder: boolean,
): StoredItem {
  return {
    id,
    ordinal: 0,
    type,
    name,
    ref: undefined,
    year: undefined,
    providerIds: {},
    path: undefined,
    mediaSources: [],
    indexNumber: undefined,
    parentIndexNumber: undefined,
    indexNumberEnd: undefined,
    runTimeTicks: undefined,
    parentId,
    libraryId,
    seriesId: undefined,
    seriesName: undefined,
    seasonId: undefined,
    seasonName: undefined,
    albumId: undefined,
    albumName: undefined,
    artistId: undefined,
    artistName: undefined,
    isFolder,
    mediaType: "Unknown",
    collectionType: undefined,
    locations: undefined,
    playlist: undefined,
    memberIds: undefined,
  };
}
