import { afterEach, describe, expect, it, vi } from "vitest";
import type { Config } from "../../src/config/load.js";
import { migrate } from "../../src/pipeline/migrate.js";
import { QUIET } from "../helpers/interaction.js";
import { collectGarbage, sampleRun } from "../helpers/sample-run.js";

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

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  seen.snapshot.length = 0;
  seen.index.length = 0;
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(flags: Record<string, unknown> = {}) {
  // Relative to the run's folder: the journal and credentials stay inside it.
  return sampleRun(cleanups, {
    flags: { journal: "run.journal", credentialsFile: "credentials.txt", ...flags },
  });
}

/** Migrates, collecting garbage once the journal is open; whether the plan's reads were still alive then. */
async function aliveWhileApplying(config: Config, dir: string) {
  let alive: { snapshot: boolean; index: boolean } | undefined;
  const migration = await migrate(config, QUIET, {
    dryRun: false,
    cwd: dir,
    planned: () => undefined,
    events: {
      started() {
        collectGarbage();
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
