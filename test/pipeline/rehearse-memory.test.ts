import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Config } from "../../src/config/load.js";
import { type RehearsalEvent, rehearse } from "../../src/pipeline/rehearse.js";
import { QUIET } from "../helpers/interaction.js";
import { collectGarbage, sampleRun } from "../helpers/sample-run.js";

/**
 * A rehearsal must not keep what it read of the real target once the copy holds it: for a big
 * target that is hundreds of megabytes (docs/rehearsal.md). Checked without timing or sizes:
 * weak references to the real plan's data and to the snapshot's library tree, and a full
 * collection while the copy is being applied.
 */

/** Weak references to what each call returned, in call order (the first plan is the real one). */
const seen = vi.hoisted(() => ({ prepared: [] as WeakRef<object>[], libraries: [] as WeakRef<object>[] }));

vi.mock("../../src/pipeline/prepare.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/pipeline/prepare.js")>();
  return {
    ...original,
    preparePlan: async (...args: Parameters<typeof original.preparePlan>) => {
      const prepared = await original.preparePlan(...args);
      seen.prepared.push(new WeakRef(prepared.index));
      return prepared;
    },
  };
});

vi.mock("../../src/sandbox/index.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/sandbox/index.js")>();
  return {
    ...original,
    snapshotLibrary: (...args: Parameters<typeof original.snapshotLibrary>) => {
      const library = original.snapshotLibrary(...args);
      seen.libraries.push(new WeakRef(library));
      return library;
    },
  };
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  seen.prepared.length = 0;
  seen.libraries.length = 0;
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(flags: Record<string, unknown> = {}): Promise<Config> {
  return (await sampleRun(cleanups, { flags })).config;
}

/** Rehearses, collecting garbage when the copy's plan is about to be applied; what was still alive then. */
async function aliveWhileApplying(
  config: Config,
): Promise<{ realIndex: boolean; library: boolean; rehearsal: Awaited<ReturnType<typeof rehearse>> }> {
  let alive: { realIndex: boolean; library: boolean } | undefined;
  const rehearsal = await rehearse(config, QUIET, (event: RehearsalEvent) => {
    if (event.type !== "applying") return;
    collectGarbage();
    alive = {
      realIndex: seen.prepared[0]!.deref() !== undefined,
      library: seen.libraries[0]!.deref() !== undefined,
    };
  });
  // The real target's plan, then the copy's (before applying) and verify's.
  expect(seen.prepared).toHaveLength(3);
  expect(seen.libraries).toHaveLength(1);
  return { ...alive!, rehearsal };
}

describe("rehearse (memory)", () => {
  it("lets go of the real target's items and the snapshot's library tree once the copy holds them", async () => {
    const config = await setUp();
    const { realIndex, library, rehearsal } = await aliveWhileApplying(config);
    expect(realIndex).toBe(false);
    expect(library).toBe(false);
    expect(rehearsal.real).toBeNull();
    expect(rehearsal.plan.actions.length).toBeGreaterThan(0);
    expect(rehearsal.mismatches).toEqual([]);
  }, 60_000);

  it("keeps the real plan's data when --report asks for it (the check sees what is alive)", async () => {
    const config = await setUp({ report: join(tmpdir(), "plexodus-rehearse-memory-report.html") });
    const { realIndex, library, rehearsal } = await aliveWhileApplying(config);
    expect(realIndex).toBe(true);
    expect(library).toBe(false);
    expect(rehearsal.real?.index).toBe(seen.prepared[0]!.deref());
  }, 60_000);
});
