import { PlexodusError } from "../../errors.js";
import type { TargetUser } from "../../model/index.js";
import { sameName } from "../../model/index.js";
import type { ActionOf } from "../../planner/plan.js";
import { UserWithoutPasswordError } from "../../targets/types.js";
import { attempt, type Backoff } from "../attempt.js";
import type { Outcome, RunContext } from "../context.js";
import { saveCredentials, strongPassword } from "../credentials.js";
import type { JournalRow } from "../journal/index.js";
import type { ActionIssue } from "../result.js";

type CreateUser = ActionOf<"create-user">;

export interface UserRun {
  credentialsFile: string;
  /** Set once a password was written, so the result can report the file. */
  credentialsWritten: boolean;
  /** One password per name within a run, so retries do not pile up lines. */
  passwords: Map<string, string>;
}

/** This run's password for a name: made and saved (fsynced) before any request carries it. */
function passwordFor(name: string, users: UserRun): string {
  let password = users.passwords.get(name);
  if (password === undefined) {
    password = strongPassword();
    saveCredentials(users.credentialsFile, name, password);
    users.passwords.set(name, password);
    users.credentialsWritten = true;
  }
  return password;
}

/**
 * Whether a user found under the action's name is the one an earlier attempt created, and
 * whether its password may still be missing. A creation that was sent but never confirmed
 * (prior-recorded) may have landed without its password where the password is a second
 * request (Emby); a user the journal knows as created with its password pending certainly did.
 */
function foundState(row: JournalRow, userId: string, passwordAfterCreation: boolean) {
  const unconfirmed = row.status === "prior-recorded" && row.created.userId === undefined;
  const ours = row.created.userId === userId || unconfirmed;
  const passwordMissing =
    ours && (row.created.passwordPending === true || (unconfirmed && passwordAfterCreation));
  return { ours, passwordMissing };
}

/**
 * Sets the password of a user the journal row `key` created. Recorded as ours without a
 * password before anything is sent: should every attempt fail, a later run still sets the
 * password instead of taking the user for someone else's.
 */
async function setPassword(key: string, user: TargetUser, ctx: RunContext, users: UserRun): Promise<void> {
  ctx.journal.recordCreated(key, { userId: user.id, passwordPending: true });
  const secret = passwordFor(user.name, users);
  await ctx.write(
    () => ctx.journal.recordPrior(key, null, { name: user.name }),
    () =>
      ctx.adapter.setCreatedUserPassword(user.id, secret).catch((error: unknown) => {
        // Said with the user's name: if the attempts run out, the report names the account.
        throw error instanceof PlexodusError
          ? new UserWithoutPasswordError(user.id, user.name, error, { deleteFailed: false })
          : error;
      }),
  );
}

/**
 * Users an earlier run created and left without a password (the journal says so) that this
 * plan does not create: a plan made since maps them as existing users, so their password is
 * set here, first, or the run fails naming them. Returns the names it finished.
 */
export async function finishUsersWithoutPassword(
  ctx: RunContext,
  users: UserRun,
  backoff: Backoff,
  planKeys: ReadonlySet<string>,
): Promise<{ finished: string[]; failures: ActionIssue[] }> {
  const finished: string[] = [];
  const failures: ActionIssue[] = [];
  for (const row of ctx.journal.usersWithoutPassword().filter((r) => !planKeys.has(r.key))) {
    const name = row.userName ?? row.title ?? row.key;
    const done = await attempt<boolean>(ctx, backoff, {
      run: async () => {
        const user = (await ctx.lookup(() => ctx.adapter.listUsers())).find(
          (u) => u.id === row.created.userId,
        );
        if (user === undefined) {
          // Deleted since: nothing is left without a password.
          ctx.journal.recordCreated(row.key, { passwordPending: false });
          return false;
        }
        await setPassword(row.key, user, ctx, users);
        ctx.journal.confirm(
          row.key,
          { id: user.id, name: user.name },
          { userId: user.id, passwordPending: false },
        );
        return true;
      },
      fail: (error) => {
        const reason = error instanceof PlexodusError ? `${error.category}: ${error.message}` : String(error);
        ctx.journal.settle(row.key, "failed", reason);
        failures.push({ key: row.key, type: "create-user", title: name, reason });
        return false;
      },
    });
    if (done === true) finished.push(name);
  }
  return { finished, failures };
}

/**
 * One attempt of a create-user action. The user is looked up by name first, so a user
 * created by an interrupted run (or whose creation response was lost) is never created
 * twice, and never confirmed as created before its password is set. The password reaches
 * the credentials file, fsynced, before any request carries it.
 */
export async function createUser(action: CreateUser, ctx: RunContext, users: UserRun): Promise<Outcome> {
  const row = ctx.journal.get(action.key)!;
  const name = action.user.name;
  const existing = (await ctx.lookup(() => ctx.adapter.listUsers())).find((u) => sameName(u.name, name));
  if (existing !== undefined) {
    const { ours, passwordMissing } = foundState(row, existing.id, ctx.adapter.passwordAfterCreation);
    if (!ours) {
      // Someone else's user of that name (or a run whose journal was lost): never ours to delete.
      ctx.journal.settle(action.key, "done");
      return { kind: "already-done" };
    }
    if (passwordMissing) await setPassword(action.key, existing, ctx, users);
    ctx.journal.confirm(
      action.key,
      { id: existing.id, name: existing.name },
      { userId: existing.id, passwordPending: false },
    );
    return { kind: "applied" };
  }

  const secret = passwordFor(name, users);
  try {
    const created = await ctx.write(
      () => ctx.journal.recordPrior(action.key, null, { name }),
      () => ctx.adapter.createUser(name, secret),
    );
    ctx.journal.confirm(action.key, { id: created.id, name: created.name }, { userId: created.id });
  } catch (error) {
    // The user exists without its password: journaled, so no later attempt or run confirms
    // it before setting one, and a rollback can find it.
    if (error instanceof UserWithoutPasswordError) {
      ctx.journal.recordCreated(action.key, { userId: error.userId, passwordPending: true });
    }
    throw error;
  }
  return { kind: "applied" };
}
