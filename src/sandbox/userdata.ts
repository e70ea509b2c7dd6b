import { badRequest } from "./http-error.js";
import { jellyfinAtLeast, type Personality } from "./personality.js";
import { formatDate, type Store, type StoredItem, type UserData } from "./store.js";

/**
 * User-data semantics of target-apis §5.2 (Jellyfin, from source) and §5.3 (Emby). For Emby,
 * whose semantics are [UNCERTAIN] there, the sandbox follows Jellyfin 10.9+ and merges partial
 * UserData bodies, as the sync tools in the wild rely on.
 */

/** Mark played: PlayCount++ only when a date is given, position reset, LastPlayedDate per version. */
export function markPlayed(
  p: Personality,
  data: UserData,
  datePlayed: Date | undefined,
  now: Date,
): UserData {
  const next = { ...data };
  if (datePlayed) next.playCount++;
  next.playCount = Math.max(next.playCount, 1);
  next.playbackPositionTicks = 0;
  if (p.kind === "jellyfin" && !p.atLeast("10.9")) {
    next.lastPlayedDate = formatDate(datePlayed ?? now);
  } else {
    next.lastPlayedDate = datePlayed ? formatDate(datePlayed) : (data.lastPlayedDate ?? formatDate(now));
  }
  next.played = true;
  return next;
}

export function markUnplayed(data: UserData): UserData {
  return { ...data, playCount: 0, playbackPositionTicks: 0, lastPlayedDate: null, played: false };
}

/** Likes=true → Rating 10, false → 1, null → cleared (UserItemData.Likes setter). */
export function setLikes(data: UserData, likes: boolean | null): UserData {
  return { ...data, rating: likes === null ? null : likes ? 10 : 1 };
}

function checkRating(rating: number): number {
  if (!Number.isFinite(rating) || rating < 0 || rating > 10) {
    throw badRequest(
      "Specified argument was out of the range of valid values. (Parameter 'value')\nActual value was " +
        `${rating}.`,
    );
  }
  return rating;
}

/**
 * UpdateItemUserData: every present, non-null field overwrites; absent/null ones stay. Applied in
 * the server's order (position, count, favorite, likes, played, date, rating — Rating wins over Likes).
 */
export function mergeUserData(data: UserData, body: Record<string, unknown>): UserData {
  let next = { ...data };
  const field = (name: string): unknown => {
    for (const [key, value] of Object.entries(body))
      if (key.toLowerCase() === name.toLowerCase()) return value;
    return undefined;
  };
  const position = field("PlaybackPositionTicks");
  if (position != null) next.playbackPositionTicks = Number(position);
  const playCount = field("PlayCount");
  if (playCount != null) next.playCount = Number(playCount);
  const favorite = field("IsFavorite");
  if (favorite != null) next.isFavorite = Boolean(favorite);
  const likes = field("Likes");
  if (likes != null) next = setLikes(next, Boolean(likes));
  const played = field("Played");
  if (played != null) next.played = Boolean(played);
  const lastPlayed = field("LastPlayedDate");
  if (lastPlayed != null) {
    const date = new Date(String(lastPlayed));
    if (Number.isNaN(date.getTime())) throw badRequest(`Invalid LastPlayedDate '${String(lastPlayed)}'.`);
    next.lastPlayedDate = formatDate(date);
  }
  const rating = field("Rating");
  if (rating != null) next.rating = checkRating(Number(rating));
  return next;
}

/** `yyyyMMddHHmmss` (UTC) first, then ISO-8601 (LegacyDateTimeModelBinder); undefined when absent. */
export function parseDatePlayed(value: string | undefined): Date | undefined | "invalid" {
  if (value === undefined || value === "") return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact.map(Number) as number[];
    return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "invalid" : date;
}

export interface UserDataOptions {
  /** Emby list queries hide PlayCount (shown as 0) unless Fields has UserDataPlayCount. */
  hidePlayCount?: boolean;
  /** … and LastPlayedDate unless Fields has UserDataLastPlayedDate. */
  hideLastPlayedDate?: boolean;
}

/** UserItemDataDto as each server writes it (nulls omitted; Emby has no Likes). */
export function userDataDto(
  p: Personality,
  item: StoredItem,
  data: UserData,
  key: string,
  options: UserDataOptions = {},
): Record<string, unknown> {
  const dto: Record<string, unknown> = {};
  if (data.rating !== null) dto.Rating = data.rating;
  dto.PlaybackPositionTicks = data.playbackPositionTicks;
  dto.PlayCount = options.hidePlayCount ? 0 : data.playCount;
  dto.IsFavorite = data.isFavorite;
  if (p.kind === "jellyfin" && data.rating !== null) dto.Likes = data.rating >= 6.5;
  if (data.lastPlayedDate !== null && !options.hideLastPlayedDate)
    dto.LastPlayedDate = jellyfinAtLeast(p, "12.0")
      ? shortestFraction(data.lastPlayedDate)
      : data.lastPlayedDate;
  dto.Played = data.played;
  dto.Key = key;
  dto.ItemId = item.id;
  return dto;
}

/**
 * Jellyfin 12's date writer (observed on 12.0.0): seven zeros when the fraction is zero
 * (`…06.0000000Z`), else only the digits that matter (`…06.5Z`, `…06.123Z`).
 */
function shortestFraction(date: string): string {
  return date.replace(/\.(\d+)Z$/, (whole, digits: string) =>
    /^0+$/.test(digits) ? whole : `.${digits.replace(/0+$/, "")}Z`,
  );
}

/** Folders whose Played Jellyfin 12 derives from what is under them (Folder.SupportsPlayedStatus). */
const DERIVED_PLAYED = new Set(["Series", "Season", "BoxSet", "Folder"]);

/**
 * The user data a server shows for an item. Jellyfin 12 (observed on 12.0.0; its
 * Folder.FillUserDataDtoValues) shows a series, season or box set as played exactly when every
 * playable item under it is — and as played when there is none — whatever was stored for the
 * folder itself; the other fields are the stored ones. Other personalities show what is stored.
 */
export function shownData(p: Personality, store: Store, userId: string, item: StoredItem): UserData {
  const data = store.getData(userId, item);
  if (!jellyfinAtLeast(p, "12.0") || !DERIVED_PLAYED.has(item.type)) return data;
  const played = store.leavesUnder(item).every((leaf) => store.getData(userId, leaf).played);
  return { ...data, played };
}
