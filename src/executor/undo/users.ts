import { sameName } from "../../model/index.js";
import type { RunContext, Undo } from "../context.js";
import type { JournalRow } from "../journal/index.js";

/** Rollback of a create-user action (only with `includeUsers`): the user the migration made goes. */
export async function deleteUser(row: JournalRow, ctx: RunContext): Promise<Undo> {
  const users = await ctx.lookup(() => ctx.adapter.listUsers());
  // A creation whose confirmation was lost is recognised by name, as apply does.
  const user =
    users.find((u) => u.id === row.created.userId) ??
    (row.status === "prior-recorded" && row.userName !== null
      ? users.find((u) => sameName(u.name, row.userName!))
      : undefined);
  if (user === undefined) return { kind: "already" };
  // Not while the server may still be sending the user's data changes (context.ts).
  await ctx.quietAfterUserData();
  await ctx.undoWrite(() => ctx.adapter.deleteUser(user.id));
  return { kind: "restored" };
}
