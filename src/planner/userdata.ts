import { EMPTY_WATCH_STATE, type Mode, type TargetUserData, type WatchValues } from "../model/index.js";
import type { Category, PlanUserData } from "./plan.js";

/** One source person's state for one item, before or after combining (SEMANTICS §3). */
export type SourceState = WatchValues;

export type UserDataField = keyof TargetUserData;

/** Which category each user-data field belongs to (--only/--skip work per field). */
export const FIELD_CATEGORY: Readonly<Record<UserDataField, Category>> = Object.freeze({
  played: "watched",
  playCount: "watched",
  lastPlayedAt: "watched",
  positionMs: "progress",
  rating: "ratings",
  isFavorite: "ratings",
});

export const USER_DATA_FIELDS: readonly UserDataField[] = [
  "played",
  "playCount",
  "lastPlayedAt",
  "positionMs",
  "rating",
  "isFavorite",
];

const time = (date: Date | null): number => (date === null ? Number.NEGATIVE_INFINITY : date.getTime());

/**
 * Plex stores seconds and targets may return fractions or drop them, so dates are compared
 * (and written) at whole seconds: a second run then sees the value it wrote as equal.
 */
export function toSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function sameDate(a: Date | null, b: Date | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);
}

/** Positions travel as ticks (ms × 10,000); whole milliseconds are the shared precision. */
export function samePosition(a: number, b: number): boolean {
  return Math.round(a) === Math.round(b);
}

export function sameRating(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) < 1e-6;
}

export function sameField<F extends UserDataField>(
  field: F,
  a: TargetUserData[F],
  b: TargetUserData[F],
): boolean {
  switch (field) {
    case "lastPlayedAt":
      return sameDate(a as Date | null, b as Date | null);
    case "positionMs":
      return samePosition(a as number, b as number);
    case "rating":
      return sameRating(a as number | null, b as number | null);
    default:
      return a === b;
  }
}

/**
 * Several Plex items on one target item (or one person's rows reaching it twice): played if
 * any is, the largest count, the latest date, the position of the one with the latest date,
 * the rating of the one rated last. Ties break towards the larger value so the result does
 * not depend on input order.
 */
export function combineStates(states: readonly SourceState[]): SourceState | null {
  if (states.length === 0) return null;
  if (states.length === 1) return states[0] ?? null;
  let latest: SourceState | null = null;
  let rated: SourceState | null = null;
  for (const state of states) {
    if (
      latest === null ||
      time(state.lastPlayedAt) > time(latest.lastPlayedAt) ||
      (time(state.lastPlayedAt) === time(latest.lastPlayedAt) && state.positionMs > latest.positionMs)
    ) {
      latest = state;
    }
    if (state.rating !== null) {
      if (
        rated === null ||
        time(state.ratedAt) > time(rated.ratedAt) ||
        (time(state.ratedAt) === time(rated.ratedAt) && state.rating > (rated.rating ?? -1))
      ) {
        rated = state;
      }
    }
  }
  return {
    played: states.some((state) => state.played),
    playCount: Math.max(...states.map((state) => state.playCount)),
    lastPlayedAt: latest?.lastPlayedAt ?? null,
    positionMs: latest?.positionMs ?? 0,
    rating: rated?.rating ?? null,
    ratedAt: rated?.ratedAt ?? null,
  };
}

export interface FieldPolicy {
  mode: Mode;
  /** Categories that may be written for this user and item (kinds minus unknown fields). */
  categories: ReadonlySet<Category>;
  favoriteMinRating: number | null;
  /** Leaf items carry watched state; containers carry a rating only. */
  leaf: boolean;
}

/**
 * The fields to change on one target item so it holds what the migration wants, given the
 * target's current value and the combined Plex state (null: Plex knows nothing of it).
 * Only fields whose wanted value differs from the current one are returned.
 */
export function wantedChange(
  current: TargetUserData,
  plex: SourceState | null,
  policy: FieldPolicy,
): Partial<TargetUserData> {
  const wanted: Partial<TargetUserData> = {};
  const mirror = policy.mode === "mirror";
  const source = plex ?? (mirror ? EMPTY_WATCH_STATE : null);
  if (source === null) return wanted;

  if (policy.leaf && policy.categories.has("watched")) {
    if (mirror) {
      wanted.played = source.played;
      wanted.playCount = source.playCount;
      // An unknown date of a played item is not "never played": keep the target's then.
      if (source.lastPlayedAt !== null) wanted.lastPlayedAt = toSecond(source.lastPlayedAt);
      else if (!source.played) wanted.lastPlayedAt = null;
    } else {
      wanted.played = current.played || source.played;
      wanted.playCount = Math.max(current.playCount, source.playCount);
      if (
        source.lastPlayedAt !== null &&
        (current.lastPlayedAt === null ||
          time(toSecond(source.lastPlayedAt)) > time(toSecond(current.lastPlayedAt)))
      ) {
        wanted.lastPlayedAt = toSecond(source.lastPlayedAt);
      }
    }
  }
  if (policy.leaf && policy.categories.has("progress")) {
    const plexPosition = Math.max(source.positionMs, 0);
    if (mirror) wanted.positionMs = plexPosition;
    else if (plexPosition > 0 && samePosition(current.positionMs, 0)) wanted.positionMs = plexPosition;
  }
  if (policy.categories.has("ratings")) {
    if (mirror) wanted.rating = source.rating;
    else if (source.rating !== null && current.rating === null) wanted.rating = source.rating;
    if (policy.favoriteMinRating !== null) {
      const favorite = source.rating !== null && source.rating >= policy.favoriteMinRating;
      if (mirror) wanted.isFavorite = favorite;
      else if (favorite) wanted.isFavorite = true;
    }
  }

  const change: Partial<TargetUserData> = {};
  for (const field of USER_DATA_FIELDS) {
    if (!(field in wanted)) continue;
    const value = wanted[field];
    if (!sameField(field, value as never, current[field] as never)) {
      (change as Record<string, unknown>)[field] = value;
    }
  }
  return change;
}

export function toPlanUserData(data: TargetUserData): PlanUserData {
  return {
    played: data.played,
    playCount: data.playCount,
    lastPlayedAt: data.lastPlayedAt === null ? null : data.lastPlayedAt.toISOString(),
    positionMs: data.positionMs,
    rating: data.rating,
    isFavorite: data.isFavorite,
  };
}

export function toPlanChange(change: Partial<TargetUserData>): Partial<PlanUserData> {
  const out: Partial<PlanUserData> = {};
  for (const field of USER_DATA_FIELDS) {
    if (!(field in change)) continue;
    const value = change[field];
    (out as Record<string, unknown>)[field] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

/** The JSON form back to the model (used by the simulator and drift rendering). */
export function fromPlanChange(change: Partial<PlanUserData>): Partial<TargetUserData> {
  const out: Partial<TargetUserData> = {};
  for (const field of USER_DATA_FIELDS) {
    if (!(field in change)) continue;
    const value = change[field];
    (out as Record<string, unknown>)[field] =
      field === "lastPlayedAt" && typeof value === "string" ? new Date(value) : value;
  }
  return out;
}

/** Categories a change touches, in the fixed category order. */
export function categoriesOf(change: Partial<TargetUserData>): Category[] {
  const touched = new Set(USER_DATA_FIELDS.filter((field) => field in change).map((f) => FIELD_CATEGORY[f]));
  return (["watched", "progress", "ratings"] as const).filter((category) => touched.has(category));
}
