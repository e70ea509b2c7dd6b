import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { applyPlan } from "../../src/executor/apply.js";
import { Journal, JournalWriteError } from "../../src/executor/journal/index.js";
import { applyOptions, neutral, referenceState, tempDir } from "./helpers.js";
import { scenario } from "./scenario.js";

describe("journal", () => {
  it("finds the next confirmation number through an index, not a scan per write", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    await applyPlan(plan, fake, applyOptions(dir));
    const db = new Database(join(dir, "run.journal"), { readonly: true });
    const steps = db.prepare("EXPLAIN QUERY PLAN SELECT MAX(seq) FROM actions").all() as { detail: string }[];
    expect(steps.map((s) => s.detail).join(" ")).toMatch(/USING COVERING INDEX actions_seq/);
    db.close();
  });

  it("is WAL with synchronous FULL and records prior value, confirmation and created ids", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    await applyPlan(plan, fake, applyOptions(dir));
    const db = new Database(join(dir, "run.journal"), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    const meta = Object.fromEntries(
      (db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    expect(meta).toMatchObject({
      format_version: "1",
      target_server_id: fake.info.serverId,
      target_url: fake.info.url,
    });
    const row = db.prepare("SELECT * FROM actions WHERE key = 'progress:bob:i3'").get() as Record<
      string,
      string
    >;
    expect(row.status).toBe("done");
    expect(JSON.parse(row.prior!)).toMatchObject({ playCount: 1, positionMs: 0 });
    expect(JSON.parse(row.result!)).toMatchObject({ playCount: 4, positionMs: 61_000 });
    const playlist = db
      .prepare("SELECT created FROM actions WHERE key = 'playlist:bob:Road trip'")
      .pluck()
      .get() as string;
    expect(JSON.parse(playlist).entryIds).toHaveLength(2);
    db.close();
  });

  it("keeps no credentials in its URL", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    fake.info.url = "http://admin:hunter2@127.0.0.1:8096/jf/?api_key=SECRETKEY";
    plan.target.url = fake.info.url;
    await applyPlan(plan, fake, applyOptions(dir));
    const bytes = readFileSync(join(dir, "run.journal")).toString("latin1") + walText(dir);
    expect(bytes).not.toContain("SECRETKEY");
    expect(bytes).not.toContain("hunter2");
    expect(bytes).toContain("http://127.0.0.1:8096/jf/");
  });

  it("refuses the journal of another target server", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    await applyPlan(plan, fake, applyOptions(dir));
    const other = await scenario();
    other.fake.info.serverId = "another-server";
    other.plan.target.serverId = "another-server";
    const error = await applyPlan(other.plan, other.fake, applyOptions(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/belongs to another target server \(fake-server-1/);
    expect(other.fake.writes).toBe(0);
  });

  const damaged: [string, (path: string, good: string) => void, RegExp][] = [
    [
      "not SQLite",
      (path) => writeFileSync(path, "name\tpassword\n".repeat(500)),
      /not a readable SQLite journal/,
    ],
    ["empty", (path) => writeFileSync(path, ""), /empty/],
    [
      "truncated",
      (path, good) => writeFileSync(path, readFileSync(good).subarray(0, 5000)),
      /not a readable SQLite journal|damaged|not a plexodus journal/,
    ],
    [
      "another SQLite file",
      (path) => {
        const db = new Database(path);
        db.exec("CREATE TABLE notes (x TEXT)");
        db.close();
      },
      /not a plexodus journal/,
    ],
    [
      "another format version",
      (path, good) => {
        copyFileSync(good, path);
        const db = new Database(path);
        db.prepare("UPDATE meta SET value = '99' WHERE key = 'format_version'").run();
        db.close();
      },
      /journal format 99/,
    ],
  ];

  it.each(damaged)("refuses a journal that is %s, before any write", async (_, damage, message) => {
    const goodDir = tempDir();
    const first = await scenario();
    await applyPlan(first.plan, first.fake, applyOptions(goodDir));
    const good = join(goodDir, "good.journal");
    // A checkpointed single-file copy of a real journal.
    const source = new Database(join(goodDir, "run.journal"));
    await source.backup(good);
    source.close();
    const dir = tempDir();
    damage(join(dir, "run.journal"), good);
    const { fake, plan } = await scenario();
    const error = await applyPlan(plan, fake, applyOptions(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect(fake.writes).toBe(0);
  });

  it("stops before the next target write when the journal cannot be written (disk full)", async () => {
    const reference = await referenceState();
    const dir = tempDir();
    const { fake, plan } = await scenario();
    const error = await applyPlan(
      plan,
      fake,
      applyOptions(dir, { journalMaxPageCount: 1, concurrency: 1 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalWriteError);
    expect((error as Error).message).toMatch(/SQLITE_FULL/);
    // Every change on the target has its prior value in the journal.
    const db = new Database(join(dir, "run.journal"), { readonly: true });
    const recorded = db
      .prepare("SELECT COUNT(*) FROM actions WHERE prior_at IS NOT NULL")
      .pluck()
      .get() as number;
    db.close();
    expect(fake.appliedWrites).toBeLessThanOrEqual(recorded);
    expect(fake.appliedWrites).toBeLessThan(15);
    await applyPlan(plan, fake, applyOptions(dir));
    expect(neutral(fake.state())).toEqual(reference);
    expect(fake.appliedWrites).toBe(15);
  });

  it("opens an existing journal for rollback and reads its target", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    await applyPlan(plan, fake, applyOptions(dir));
    const journal = Journal.openExisting(join(dir, "run.journal"), { toolVersion: "t" });
    expect(journal.target.serverId).toBe(fake.info.serverId);
    expect(journal.rowsForRollback().length).toBe(15);
    journal.close();
    expect(statSync(join(dir, "run.journal")).size).toBeGreaterThan(0);
  });
});

function walText(dir: string): string {
  try {
    return readFileSync(join(dir, "run.journal-wal")).toString("latin1");
  } catch {
    return "";
  }
}
