import type { PlanUserData } from "../../planner/plan.js";
import type { RunContext } from "../context.js";
import type { JournalRow } from "../journal/index.js";
import { RECHECK_BATCH } from "../recheck.js";
import {
  holds,
  type PlanUserDataPart,
  pick,
  toChange,
  toPlanForm,
  type UserDataField,
} from "../user-data.js";
import { holdsMigrated } from "./user-data.js";

/** What the final read found wrong with one restored value. */
export interface Unsettled {
  row: JournalRow;
  kind: "conflict" | "failed";
  reason: string;
}

/**
 * The last step of a rollback: every user-data value it restored is read again, a user's
 * items a batch at a time, once all steps are done. A real Jellyfin 12 was seen to answer a
 * restore with the prior value and hold the migration's value again by the end of the run
 * (docs/targets.md, cause not established), so "restored" counts only what the server kept.
 * A value back at what the migration wrote is written once more and read again; one that
 * still does not hold is a failure (a later rollback tries again). A value that is neither
 * was changed by someone during the rollback: a conflict, left as it is.
 */
export async function settleRestored(
  rows: readonly JournalRow[],
  ctx: RunContext,
  /** Called with the number of values checked, as the reads come back. */
  onChecked: (count: number) => void = () => {},
): Promise<Unsettled[]> {
  const first = await misses(rows, ctx, onChecked);
  const unsettled: Unsettled[] = [];
  const again: JournalRow[] = [];
  for (const { row, current } of first) {
    if (!holdsMigrated(row, current)) {
      unsettled.push({
        row,
        kind: "conflict",
        reason: "changed on the target during the rollback; left as it is",
      });
      continue;
    }
    await ctx.undoUserDataWrite(() =>
      ctx.adapter.setUserData(row.userId!, row.itemId!, toChange(prior(row))),
    );
    again.push(row);
  }
  for (const { row } of await misses(again, ctx)) {
    unsettled.push({
      row,
      kind: "failed",
      reason:
        "the target took the prior value back, then held the migration's value again at the end of the rollback; run rollback again",
    });
  }
  return unsettled;
}

function prior(row: JournalRow): PlanUserDataPart {
  return pick(row.original as PlanUserData, row.fields as UserDataField[]);
}

/** The rows whose prior value the target does not hold now, with what it holds. */
async function misses(
  rows: readonly JournalRow[],
  ctx: RunContext,
  onChecked: (count: number) => void = () => {},
): Promise<{ row: JournalRow; current: PlanUserData }[]> {
  if (rows.length === 0) return [];
  // Users deleted since (the ones the migration created, by this rollback) have no values left.
  const users = new Set((await ctx.lookup(() => ctx.adapter.listUsers())).map((user) => user.id));
  const byUser = new Map<string, JournalRow[]>();
  for (const row of rows) {
    if (!users.has(row.userId!)) {
      onChecked(1);
      continue;
    }
    const list = byUser.get(row.userId!) ?? [];
    list.push(row);
    byUser.set(row.userId!, list);
  }
  const found: { row: JournalRow; current: PlanUserData }[] = [];
  for (const [userId, list] of byUser) {
    for (let start = 0; start < list.length; start += RECHECK_BATCH) {
      const batch = list.slice(start, start + RECHECK_BATCH);
      const ids = batch.map((row) => row.itemId!);
      const values = await ctx.lookup(() => ctx.adapter.readUserData(userId, ids));
      for (const row of batch) {
        const value = values.get(row.itemId!);
        if (value === undefined) continue;
        const current = toPlanForm(value);
        if (!holds(current, prior(row))) found.push({ row, current });
      }
      onChecked(batch.length);
    }
  }
  return found;
}
