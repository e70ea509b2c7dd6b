import { PlexodusError } from "../../errors.js";
import type { PlanUserData } from "../../planner/plan.js";
import type { RunContext, Undo } from "../context.js";
import type { JournalRow } from "../journal/index.js";
import {
  holds,
  type PlanUserDataPart,
  pick,
  sameIn,
  toChange,
  toPlanForm,
  type UserDataField,
} from "../user-data.js";

/**
 * Rollback of a set-user-data action: the original values of the fields it set come back,
 * but only while the target still holds what the migration wrote there.
 */
export async function restoreUserData(row: JournalRow, ctx: RunContext): Promise<Undo> {
  const original = row.original as PlanUserData | null;
  if (row.userId === null || row.itemId === null || original === null) return { kind: "already" };
  const { userId, itemId } = row;
  const fields = row.fields as UserDataField[];
  const current = toPlanForm(await ctx.lookup(() => ctx.adapter.getUserData(userId, itemId)));
  if (sameIn(current, original, fields)) return { kind: "already" };
  if (!holdsMigrated(row, current)) {
    return { kind: "conflict", reason: "the target no longer holds what the migration wrote; left as it is" };
  }
  const prior: PlanUserDataPart = pick(original, fields);
  const after = toPlanForm(
    await ctx.undoUserDataWrite(() => ctx.adapter.setUserData(userId, itemId, toChange(prior))),
  );
  if (!holds(after, prior)) throw new PlexodusError("failed", "the target did not take the prior value back");
  return { kind: "restored" };
}

/** True when the target holds what the migration wrote (the journal's wanted or result value). */
export function holdsMigrated(row: JournalRow, current: PlanUserData): boolean {
  const fields = row.fields as UserDataField[];
  return (
    holds(current, pick(row.wanted as PlanUserData, fields)) ||
    (row.result !== null && sameIn(current, row.result as PlanUserData, fields))
  );
}
