import { join } from "node:path";
import type { ScaleSize } from "../../fixtures/plex/scale.js";
import { scaleDatabase } from "../fixtures.js";
import type { BenchGoal, GoalRow } from "../goal.js";
import { describe, hasGnuTime, load, runMeasured } from "../process.js";
import { scaleTarget } from "../rehearse-target.js";
import { sandboxProcess } from "./apply-setup.js";

/**
 * Rehearsal memory goal (issue 16): `plexodus rehearse` as a person runs it — the CLI with
 * Node's default heap sizing, no NODE_OPTIONS — against a target holding every item of a
 * generated Plex library, with one target user per Plex account. The "real" target is a
 * sandbox in a process of its own, so only the rehearsal's memory is measured: the copy it
 * loads, the Plex source and the plans, applies and verifies in the copy. Peak RSS must stay
 * within 1 GiB; the 200,000 × 20 case runs with --scale only.
 */
const MIB = 2 ** 20;
const RSS_LIMIT_MIB = 1024;
const ACCOUNTS = 20;

/** About 200 watched or started items per person at full scale: all of it is planned and applied in the copy. */
function size(items: number): ScaleSize {
  return { items, accounts: ACCOUNTS, states: Math.round(items / 50), history: Math.round(items / 20) };
}

const CASES: { label: string; items: number; big: boolean }[] = [
  { label: "20k items × 20 users", items: 20_000, big: false },
  { label: "200k items × 20 users", items: 200_000, big: true },
];

export const goal: BenchGoal = {
  name: "rehearse-memory",
  description:
    "plexodus rehearse against a target of the whole library (sandbox in its own process): peak RSS",
  async measure(context) {
    const rows: GoalRow[] = [];
    for (const item of CASES) {
      const name = `rehearse ${item.label}, peak RSS`;
      if (item.big && !context.scale) {
        rows.push({ goal: name, skipped: "needs --scale (generation and the run take long)" });
        continue;
      }
      if (!hasGnuTime()) {
        rows.push({ goal: name, skipped: "needs GNU time (/usr/bin/time) for peak RSS" });
        continue;
      }
      const plexDb = scaleDatabase(context.root, context.outDir, size(item.items), context.log);
      // Jellyfin 10.11, as bench/rehearse.bench.ts: the figures stay comparable.
      const box = await sandboxProcess(context.root, scaleTarget(item.items, ACCOUNTS), [
        "--version",
        "10.11",
      ]);
      try {
        // What a person gets: no heap option of theirs, whatever the benchmark was started with.
        const { NODE_OPTIONS: _ignored, ...env } = process.env;
        const figures = runMeasured(
          [
            process.execPath,
            join(context.root, "bin", "plexodus.js"),
            "rehearse",
            "--plex-db",
            plexDb,
            "--target-url",
            box.url,
          ],
          { env: { ...env, PLEXODUS_TARGET_API_KEY: box.apiKey } },
        );
        context.log(`  ${item.label}: ${describe(figures)}`);
        rows.push({
          goal: name,
          measured: { value: figures.maxRssBytes! / MIB, unit: "MiB" },
          floor: { value: RSS_LIMIT_MIB, unit: "MiB" },
          target: { atMost: 1 },
          note: `plexodus CPU ${((figures.cpuMs ?? 0) / 1000).toFixed(1)} s, wall ${(figures.wallMs / 1000).toFixed(1)} s (${size(item.items).states.toLocaleString("en")} states); target in its own process; load ${load()}`,
        });
      } finally {
        await box.stop();
      }
    }
    return rows;
  },
};
