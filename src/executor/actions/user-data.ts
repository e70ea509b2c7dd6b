import type { ActionOf, PlanUserData } from "../../planner/plan.js";
import type { Outcome, RunContext } from "../context.js";
import type { ReadBacks } from "../readback.js";
import type { UserDataChecks } from "../recheck.js";
import { differing, fieldsOf, holds, sameIn, toChange, toPlanForm } from "../user-data.js";

type SetUserData = ActionOf<"set-user-data">;

/**
 * One attempt of a set-user-data action: re-check (in a batch with the user's next items),
 * then (only when the target still holds the planned `before` in every field the action sets)
 * record the prior value, write, and confirm what the server stored.
 */
export async function setUserData(
  action: SetUserData,
  userId: string,
  ctx: RunContext,
  checks: UserDataChecks,
  readBacks: ReadBacks,
): Promise<Outcome> {
  const row = ctx.journal.get(action.key)!;
  const fresh = await checks.current(userId, action.itemId);
  const current = toPlanForm(fresh);
  const fields = fieldsOf(action.set);

  if (holds(current, action.set)) {
    // A write of ours that landed without its confirmation (lost response, crash).
    if (row.status === "prior-recorded") {
      ctx.journal.confirm(action.key, current);
      return { kind: "applied" };
    }
    ctx.journal.settle(action.key, "done");
    return { kind: "already-done" };
  }

  // After an unconfirmed write the journal's prior is the value to expect, else the plan's.
  const reference =
    row.status === "prior-recorded" && row.prior !== null ? (row.prior as PlanUserData) : action.before;
  if (!sameIn(current, reference, fields)) {
    const changed = differing(current, reference, fields)
      .map(
        (field) =>
          `${field} is ${JSON.stringify(current[field])}, planned from ${JSON.stringify(reference[field])}`,
      )
      .join("; ");
    const reason = `the target changed since planning: ${changed}`;
    ctx.journal.settle(action.key, "conflict", reason);
    return { kind: "conflict", reason };
  }

  const sent = await ctx.write(
    () => ctx.journal.recordPrior(action.key, current, action.set, fields),
    // The re-check's value spares the adapter its own read before writing.
    () => ctx.adapter.sendUserData(userId, action.itemId, toChange(action.set), fresh),
  );
  // Where the write's answer does not tell what was stored, it is read back in a batch, after
  // the write left its place in the queue to the next one.
  const result = toPlanForm(sent.stored ?? sent.confirm(await readBacks.read(userId, action.itemId)));
  ctx.journal.confirm(action.key, result);
  if (!holds(result, action.set)) {
    // The server took the request but not the value: say so loudly, never count it applied.
    const wrong = differing(result, action.set, fields)
      .map(
        (field) => `${field} is ${JSON.stringify(result[field])}, sent ${JSON.stringify(action.set[field])}`,
      )
      .join("; ");
    const reason = `the target did not take the value: ${wrong}`;
    ctx.journal.settle(action.key, "failed", reason);
    return { kind: "failed", reason };
  }
  return { kind: "applied" };
}
