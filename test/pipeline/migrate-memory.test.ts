import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { loadConfig } from "../../src/config/load.js";
import { migrate } from "../../src/pipeline/migrate.js";
import { DEMO_PATH_MAP, DEMO_USER_MAP, sampleTargetLibrary } from "../../src/sample/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { QUIET } from "../helpers/interaction.js";

/**
 * `migrate` must not hold what the plan read (the Plex source, the target's index and state)
 * while it applies, unless a report asks for it: at 200,000 items × 50 people that is about a
 * gigabyte, for an apply that lasts hours (docs/performance.md, Scale). Checked without sizes:
 * weak references and a full collection once the journal is open.
 */

const seen = vi.hoisted(() => ({ snapshot: [] as WeakRef<object>[], index: [] as WeakRef<object>[] }));

vi.mock("../../src/pipeline/prepare.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/pipeline/prepare.js")>();
  return {
    ...original,
    preparePlan: async (...args: Parameters<typeof original.preparePlan>) => {
      const prepared = await original.preparePlan(...args);
      seen.snapshot.push(new WeakRef(prepared.snapshot));
      seen.index.push(new WeakRef(prepared.index));
      return prepared;
    },
  };
});

/** A full collection on demand, without starting the test process with --expose-gc. */
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  seen.snapshot.length = 0;
  seen.index.length = 0;
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(
  flags: Record<string, unknown> = {},
): Promise<{ config: ReturnType<typeof loadConfig>; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-migrate-memory-"));
  const plexDb = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(plexDb);
  const box = await startSandbox({
    kind: "jellyfin",
    version: "10.10",
    library: sampleTargetLibrary(),
    validate: false,
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => box.stop());
  const config = loadConfig({
    env: {},
    flags: {
      plexDb,
      targetUrl: box.url,
      targetApiKey: box.apiKey,
      pathMap: DEMO_PATH_MAP.map((m) => `${m.from}=${m.to}`),
      userMap: DEMO_USER_MAP.map((m) => `${m.from}=${m.to}`),
      createUsers: true,
      journal: join(dir, "run.journal"),
      credentialsFile: join(dir, "credentials.txt"),
      ...flags,
    },
  });
  return { config, dir };
}

/** Migrates, collecting garbage once the journal is open; whether the plan's reads were still alive then. */
async function aliveWhileApplying(config: ReturnType<typeof loadConfig>, dir: string) {
  let alive: { snapshot: boolean; index: boolean } | undefined;
  const migration = await migrate(config, QUIET, {
    dryRun: false,
    cwd: dir,
    planned: () => undefined,
    events: {
      started() {
        collect();
        alive = {
          snapshot: seen.snapshot[0]!.deref() !== undefined,
          index: seen.index[0]!.deref() !== undefined,
        };
      },
    },
  });
  expect(seen.snapshot).toHaveLength(1);
  return { ...alive!, migration };
}

describe("migrate (memory)", () => {
  it("lets go of the Plex source and the target's index before applying", async () => {
    const { config, dir } = await setUp();
    const { snapshot, index, migration } = await aliveWhileApplying(config, dir);
    expect(snapshot).toBe(false);
    expect(index).toBe(false);
    expect(migration.applied && migration.result?.applied).toBeGreaterThan(0);
    expect(migration.prepared).toBeNull();
  }, 60_000);

  it("keeps them when --report asks for them (the check sees what is alive)", async () => {
    const { config, dir } = await setUp({ report: "report.html" });
    const { snapshot, index, migration } = await aliveWhileApplying(config, dir);
    expect(snapshot).toBe(true);
    expect(index).toBe(true);
    expect(migration.prepared?.snapshot).toBe(seen.snapshot[0]!.deref());
  }, 60_000);

  it("keeps them after a dry run, for the plan's document", async () => {
    const { config, dir } = await setUp();
    const migration = await migrate(config, QUIET, { dryRun: true, cwd: dir, planned: () => undefined });
    expect(migration.applied).toBe(false);
    expect(migration.prepared?.snapshot).toBeDefined();
  }, 60_000);
});
