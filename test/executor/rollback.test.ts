import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { applyPlan } from "../../src/executor/apply.js";
import { USER_DATA_QUIET_MS } from "../../src/executor/context.js";
import { type RollbackOptions, rollback } from "../../src/executor/rollback.js";
import { SILENT_PROGRESS } from "../../src/progress.js";
import { applyOptions, tempDir } from "./helpers.js";
import { scenario } from "./scenario.js";

const opts = (extra: Partial<RollbackOptions> = {}): RollbackOptions => ({
  includeUsers: true,
  progress: SILENT_PROGRESS,
  retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
  ...extra,
});

async function applied() {
  const dir = tempDir();
  const { fake, plan } = await scenario();
  const before = fake.state();
  await applyPlan(plan, fake, applyOptions(dir));
  return { dir, fake, plan, before, journal: join(dir, "run.journal") };
}

describe("rollback", () => {
  it("restores the target exactly, and a second rollback changes nothing", async () => {
    const { fake, before, journal } = await applied();
    expect(fake.state()).not.toEqual(before);
    const first = await rollback(journal, fake, opts());
    expect(first).toMatchObject({ conflicted: 0, failed: 0, restored: 15 });
    expect(fake.state()).toEqual(before);
    fake.writes = 0;
    const second = await rollback(journal, fake, opts());
    expect(fake.writes).toBe(0);
    expect(second.writesSent).toBe(0);
    expect(fake.state()).toEqual(before);
  });

  it("keeps created users without includeUsers, and deletes them when asked later", async () => {
    const { fake, before, journal } = await applied();
    const kept = await rollback(journal, fake, opts({ includeUsers: false }));
    expect(kept.keptUsers).toBe(1);
    const state = fake.state();
    expect(state.users.map((u) => u.name)).toEqual(["alice", "bob", "carol"]);
    expect({ ...state, users: state.users.filter((u) => u.name !== "carol") }).toEqual(before);
    const later = await rollback(journal, fake, opts({ includeUsers: true }));
    expect(later.restored).toBe(1);
    expect(fake.state()).toEqual(before);
  });

  it("deletes a created user only once the server had USER_DATA_QUIET_MS without a user-data write (Jellyfin 12 exits otherwise)", async () => {
    const { fake, before, journal } = await applied();
    fake.writeLog = [];
    const result = await rollback(journal, fake, opts());
    expect(result).toMatchObject({ conflicted: 0, failed: 0 });
    expect(fake.state()).toEqual(before);
    const deletion = fake.writeLog.find((write) => write.op === "deleteUser")!;
    const lastData = fake.writeLog
      .filter((write) => write.op === "setUserData" && write.at <= deletion.at)
      .at(-1)!;
    expect(lastData).toBeDefined();
    expect(deletion.at - lastData.at).toBeGreaterThanOrEqual(USER_DATA_QUIET_MS - 1);
  });

  it("leaves a value the user changed since the migration and reports a conflict", async () => {
    const { fake, before, journal } = await applied();
    const alice = fake.userId("alice");
    fake.poke(alice, "i1", { playCount: 9 });
    const result = await rollback(journal, fake, opts());
    expect(result.conflicted).toBe(1);
    expect(result.conflicts[0]).toMatchObject({ key: "watched:alice:i1" });
    expect(fake.state().userData[`${alice}/i1`]).toMatchObject({ playCount: 9 });
    const rest = fake.state();
    delete rest.userData[`${alice}/i1`];
    expect(rest).toEqual(before);
  });

  /** alice's value on i1 as the migration left it, in the adapter's form, to put it back. */
  const migrated = (fake: Awaited<ReturnType<typeof applied>>["fake"]) => {
    const value = fake.state().userData[`${fake.userId("alice")}/i1`] as Record<string, unknown>;
    const lastPlayedAt = value.lastPlayedAt as string | null;
    return { ...value, lastPlayedAt: lastPlayedAt === null ? null : new Date(lastPlayedAt) };
  };

  // Seen on a real Jellyfin 12 (docs/targets.md): a restore read back right, and by the end of
  // the run the server held the migration's value again.
  it("reads every restored value again at the end and restores one the target gave back", async () => {
    const { fake, before, journal } = await applied();
    const alice = fake.userId("alice");
    const wrong = migrated(fake);
    let reverted = false;
    fake.setFaults({
      afterWrite: () => {
        const now = fake.state().userData[`${alice}/i1`];
        if (!reverted && JSON.stringify(now) === JSON.stringify(before.userData[`${alice}/i1`])) {
          reverted = true;
          // Put back by the server on a later write, not by the restore itself.
          queueMicrotask(() => fake.poke(alice, "i1", wrong));
        }
      },
    });
    const result = await rollback(journal, fake, opts());
    expect(reverted).toBe(true);
    expect(result).toMatchObject({ restored: 15, failed: 0, conflicted: 0 });
    expect(fake.state()).toEqual(before);
  });

  it("counts a restore the target does not keep as failed, and a later rollback finishes it", async () => {
    const { fake, before, journal } = await applied();
    const alice = fake.userId("alice");
    const wrong = migrated(fake);
    const read = fake.readUserData;
    // A server that keeps giving the value back: whatever is restored reads as migrated.
    fake.readUserData = (userId, itemIds) => {
      if (userId === alice && itemIds.includes("i1")) fake.poke(alice, "i1", wrong);
      return read(userId, itemIds);
    };
    const result = await rollback(journal, fake, opts());
    expect(result).toMatchObject({ restored: 14, failed: 1, conflicted: 0 });
    expect(result.failures[0]).toMatchObject({ key: "watched:alice:i1" });
    expect(result.failures[0]!.reason).toContain("run rollback again");
    fake.readUserData = read;
    const again = await rollback(journal, fake, opts());
    expect(again).toMatchObject({ restored: 1, failed: 0 });
    expect(fake.state()).toEqual(before);
  });

  it("leaves a restored value someone changed during the rollback, as a conflict", async () => {
    const { fake, journal } = await applied();
    const alice = fake.userId("alice");
    const read = fake.readUserData;
    fake.readUserData = (userId, itemIds) => {
      if (userId === alice && itemIds.includes("i1")) fake.poke(alice, "i1", { playCount: 42 });
      return read(userId, itemIds);
    };
    const result = await rollback(journal, fake, opts());
    expect(result).toMatchObject({ restored: 14, failed: 0, conflicted: 1 });
    expect(result.conflicts[0]).toMatchObject({ key: "watched:alice:i1" });
    expect(fake.state().userData[`${alice}/i1`]).toMatchObject({ playCount: 42 });
  });

  it("keeps a created playlist that gained someone else's entries", async () => {
    const { fake, journal } = await applied();
    const alice = fake.userId("alice");
    const favourites = fake.state().playlists.find((p) => p.title === "Favourites")!;
    await fake.addToPlaylist(alice, favourites.id, ["i12"]);
    const result = await rollback(journal, fake, opts());
    expect(result.conflicts.map((c) => c.key)).toEqual(["playlist:alice:Favourites"]);
    expect(fake.state().playlists.some((p) => p.id === favourites.id)).toBe(true);
  });

  it("an interrupted rollback, run again, finishes the job", async () => {
    const { fake, before, journal } = await applied();
    const controller = new AbortController();
    fake.setFaults({ afterWrite: (n) => n === fake.writes && n >= 20 && controller.abort() });
    const first = await rollback(journal, fake, opts({ signal: controller.signal }));
    expect(first.interrupted).toBe(true);
    expect(first.notStarted).toBeGreaterThan(0);
    fake.setFaults({});
    await rollback(journal, fake, opts());
    expect(fake.state()).toEqual(before);
  });

  it("undoes writes whose confirmation a crash lost", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    const before = fake.state();
    fake.setFaults({ crashAfterApplyingWrite: 9 });
    await expect(applyPlan(plan, fake, applyOptions(dir))).rejects.toThrow("simulated crash");
    fake.setFaults({});
    await rollback(join(dir, "run.journal"), fake, opts());
    expect(fake.state()).toEqual(before);
  });

  it("after rollback the same plan applies again, and rolls back again", async () => {
    const { fake, plan, before, dir, journal } = await applied();
    await rollback(journal, fake, opts());
    const again = await applyPlan(plan, fake, applyOptions(dir));
    expect(again.applied).toBe(15);
    await rollback(journal, fake, opts());
    expect(fake.state()).toEqual(before);
  });

  // Seen on a real Jellyfin 12 (docs/targets.md): the same journal used for a second migration
  // after a rollback restored the first migration's originals, undoing what came in between.
  it("after a rollback, a new migration with the same journal rolls back to its own priors", async () => {
    const { fake, plan, before, dir, journal } = await applied();
    await rollback(journal, fake, opts());
    expect(fake.state()).toEqual(before);
    // Between the two migrations someone watches i1 (a value the action sets, earlier than Plex's).
    const alice = fake.userId("alice");
    fake.poke(alice, "i1", { lastPlayedAt: new Date("2022-12-25T20:00:00Z") });
    const between = fake.state();
    const again = structuredClone(plan);
    const action = again.actions.find((a) => a.key === "watched:alice:i1")!;
    if (action.type !== "set-user-data") throw new Error("not a user-data action");
    action.before = { ...action.before, lastPlayedAt: "2022-12-25T20:00:00.000Z" };
    const second = await applyPlan(again, fake, applyOptions(dir));
    expect(second.applied).toBe(15);
    const result = await rollback(journal, fake, opts());
    expect(result).toMatchObject({ failed: 0, conflicted: 0 });
    expect(fake.state()).toEqual(between);
  });

  it("refuses a journal of another server", async () => {
    const { journal } = await applied();
    const other = await scenario();
    other.fake.info.serverId = "elsewhere";
    await expect(rollback(journal, other.fake, opts())).rejects.toBeInstanceOf(ConfigError);
    expect(other.fake.writes).toBe(0);
  });
});
