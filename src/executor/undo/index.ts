import type { RunContext, Undo } from "../context.js";
import type { JournalRow } from "../journal/index.js";
import { restoreContainer } from "./containers.js";
import { restoreUserData } from "./user-data.js";
import { deleteUser } from "./users.js";

/** One try at undoing what a journal row records; each kind re-checks the target first. */
export function undo(row: JournalRow, ctx: RunContext, includeUsers: boolean): Promise<Undo> {
  switch (row.type) {
    case "set-user-data":
      return restoreUserData(row, ctx);
    case "create-user":
      return includeUsers ? deleteUser(row, ctx) : Promise.resolve({ kind: "kept" });
    default:
      return restoreContainer(row, ctx);
  }
}
