import type { TargetUserData } from "../model/index.js";
import type { PlanUserData } from "../planner/plan.js";
import type { UserDataChange } from "../targets/types.js";

/** The fields a set-user-data action may set, in a fixed order for stable journals. */
export const USER_DATA_FIELDS = [
  "played",
  "playCount",
  "lastPlayedAt",
  "positionMs",
  "rating",
  "isFavorite",
] as const;
export type UserDataField = (typeof USER_DATA_FIELDS)[number];

/** A partial plan-form value (JSON-safe: dates as ISO strings). */
export type PlanUserDataPart = Partial<PlanUserData>;

export function fieldsOf(set: PlanUserDataPart): UserDataField[] {
  return USER_DATA_FIELDS.filter((field) => set[field] !== undefined);
}

/** Target value → plan form, for the journal and for comparisons. */
export function toPlanForm(data: TargetUserData): PlanUserData {
  return {
    played: data.played,
    playCount: data.playCount,
    lastPlayedAt: data.lastPlayedAt === null ? null : data.lastPlayedAt.toISOString(),
    positionMs: data.positionMs,
    rating: data.rating,
    isFavorite: data.isFavorite,
  };
}

/** Plan-form partial value → the adapter's change type (dates back to Date). */
export function toChange(part: PlanUserDataPart): UserDataChange {
  const change: UserDataChange = {};
  for (const field of fieldsOf(part)) {
    if (field === "lastPlayedAt") {
      const value = part.lastPlayedAt;
      change.lastPlayedAt = value === null || value === undefined ? null : new Date(value);
    } else {
      (change as Record<string, unknown>)[field] = part[field];
    }
  }
  return change;
}

export function pick(value: PlanUserData, fields: readonly UserDataField[]): PlanUserDataPart {
  const part: Record<string, unknown> = {};
  for (const field of fields) part[field] = value[field];
  return part as PlanUserDataPart;
}

/**
 * Dates compare at whole seconds: Plex dates are epoch seconds, and a target that stores
 * fewer digits than it was sent must not turn every rerun into a conflict.
 */
function sameField(field: UserDataField, a: unknown, b: unknown): boolean {
  if (field === "lastPlayedAt") {
    if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
    return Math.floor(Date.parse(a as string) / 1000) === Math.floor(Date.parse(b as string) / 1000);
  }
  return a === b;
}

/** True when `current` holds `wanted`'s value in every field `wanted` names. */
export function holds(current: PlanUserData, wanted: PlanUserDataPart): boolean {
  return fieldsOf(wanted).every((field) => sameField(field, current[field], wanted[field]));
}

/** True when `current` equals `reference` in each of `fields`. */
export function sameIn(
  current: PlanUserData,
  reference: PlanUserData,
  fields: readonly UserDataField[],
): boolean {
  return fields.every((field) => sameField(field, current[field], reference[field]));
}

/** Fields (of those named) where the two values differ, for conflict reasons. */
export function differing(
  current: PlanUserData,
  reference: PlanUserDataPart,
  fields: readonly UserDataField[],
): UserDataField[] {
  return fields.filter((field) => !sameField(field, current[field], reference[field]));
}
