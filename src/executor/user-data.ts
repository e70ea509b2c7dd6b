import type { TargetUserData } from "../model/index.js";
import type { PlanUserData } from "../planner/plan.js";
import {
  sameField as sameUserDataField,
  toPlanUserData,
  USER_DATA_FIELDS,
  type UserDataField,
} from "../planner/userdata.js";
import type { UserDataChange } from "../targets/types.js";

export { USER_DATA_FIELDS, type UserDataField };

/** A partial plan-form value (JSON-safe: dates as ISO strings). */
export type PlanUserDataPart = Partial<PlanUserData>;

export function fieldsOf(set: PlanUserDataPart): UserDataField[] {
  return USER_DATA_FIELDS.filter((field) => set[field] !== undefined);
}

/** Target value → plan form, for the journal and for comparisons. */
export const toPlanForm: (data: TargetUserData) => PlanUserData = toPlanUserData;

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
 * One notion of "the same value" for planner and executor (whole seconds for dates, whole
 * milliseconds for positions), so a value the planner counts as done is never a conflict here.
 */
function sameField(field: UserDataField, a: unknown, b: unknown): boolean {
  const model = (value: unknown) =>
    field === "lastPlayedAt" && typeof value === "string" ? new Date(value) : (value ?? null);
  return sameUserDataField(field, model(a) as never, model(b) as never);
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
