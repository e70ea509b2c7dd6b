import { sameName } from "../../model/index.js";
import type { ActionOf } from "../../planner/plan.js";
import type { Outcome, RunContext } from "../context.js";
import { saveCredentials, strongPassword } from "../credentials.js";

type CreateUser = ActionOf<"create-user">;

export interface UserRun {
  credentialsFile: string;
  /** Set once a password was written, so the result can report the file. */
  credentialsWritten: boolean;
  /** One password per name within a run, so retries do not pile up lines. */
  passwords: Map<string, string>;
}

/**
 * One attempt of a create-user action. The user is looked up by name first, so a user
 * created by an interrupted run (or whose creation response was lost) is never created
 * twice. The password reaches the credentials file, fsynced, before the user exists.
 */
export async function createUser(action: CreateUser, ctx: RunContext, users: UserRun): Promise<Outcome> {
  const row = ctx.journal.get(action.key)!;
  const name = action.user.name;
  const existing = (await ctx.lookup(() => ctx.adapter.listUsers())).find((u) => sameName(u.name, name));
  if (existing !== undefined) {
    if (row.status === "prior-recorded" || row.created.userId === existing.id) {
      ctx.journal.confirm(action.key, { id: existing.id, name: existing.name }, { userId: existing.id });
      return { kind: "applied" };
    }
    // Someone else's user of that name (or a run whose journal was lost): never ours to delete.
    ctx.journal.settle(action.key, "done");
    return { kind: "already-done" };
  }

  let password = users.passwords.get(name);
  if (password === undefined) {
    password = strongPassword();
    saveCredentials(users.credentialsFile, name, password);
    users.passwords.set(name, password);
    users.credentialsWritten = true;
  }
  const secret = password;
  const created = await ctx.write(
    () => ctx.journal.recordPrior(action.key, null, { name }),
    () => ctx.adapter.createUser(name, secret),
  );
  ctx.journal.confirm(action.key, { id: created.id, name: created.name }, { userId: created.id });
  return { kind: "applied" };
}
