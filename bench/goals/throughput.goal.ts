import type { TargetAdapter } from "../../src/targets/types.js";
import type { BenchGoal, GoalRow } from "../goal.js";
import { load } from "../process.js";
import {
  adapterFor,
  applyFresh,
  movieLibrary,
  type SandboxProcess,
  sandboxProcess,
  watchedPlan,
} from "./apply-setup.js";

/**
 * Throughput goal: user-data writes per second of `apply` against the sandbox answering every
 * request 20 ms late, beside the ideal concurrency / latency (every place in the write queue
 * busy with a write all the time). The sandbox runs in a process of its own.
 */
const LATENCY_MS = 20;
const CASES = [
  { concurrency: 4, movies: 1_000 },
  { concurrency: 16, movies: 3_000 },
];

export const goal: BenchGoal = {
  name: "throughput",
  description: `apply's writes per second against the sandbox at ${LATENCY_MS} ms latency vs concurrency / latency`,
  async measure(context) {
    const rows: GoalRow[] = [];
    for (const { concurrency, movies } of CASES) {
      let best = 0;
      let bare = 0;
      let requests = "";
      for (let run = 1; run <= context.runs; run++) {
        const box = await sandboxProcess(context.root, movieLibrary(movies, 1), [
          "--latency",
          String(LATENCY_MS),
        ]);
        try {
          const adapter = await adapterFor(box.url, box.apiKey, concurrency);
          const plan = await watchedPlan(adapter);
          bare = Math.max(bare, await bareWrites(box, adapter, concurrency));
          const result = await applyFresh(plan, adapter, concurrency);
          if (result.applied !== plan.actions.length) {
            throw new Error(`applied ${result.applied} of ${plan.actions.length}`);
          }
          const perSecond = result.writesSent / (result.durationMs / 1000);
          context.log(
            `  concurrency ${concurrency}, run ${run}/${context.runs}: ${perSecond.toFixed(0)} writes/s`,
          );
          best = Math.max(best, perSecond);
          requests = `${result.writesSent} writes in ${(result.durationMs / 1000).toFixed(1)} s`;
        } finally {
          await box.stop();
        }
      }
      rows.push({
        goal: `throughput, concurrency ${concurrency}`,
        measured: { value: best, unit: "writes/s" },
        floor: { value: (concurrency / LATENCY_MS) * 1000, unit: "writes/s" },
        target: { atLeast: 0.9 },
        note: `whole apply (connection check, batched re-checks, journal); last run ${requests}; a bare client sending only the same POSTs reached ${bare.toFixed(0)} writes/s; best of ${context.runs}; load ${load()}`,
      });
    }
    return rows;
  },
};

/**
 * What this machine allows right now: the same number of user-data POSTs from a bare loop
 * (fetch, no journal, no re-check) at the same concurrency, to items of the admin, whose state
 * the plan does not touch. Said beside the figure, so a loaded machine is visible as such.
 */
async function bareWrites(box: SandboxProcess, adapter: TargetAdapter, concurrency: number): Promise<number> {
  const admin = (await adapter.listUsers()).find((user) => user.isAdmin)!;
  const ids = (await adapter.index()).items.filter((item) => item.kind === "movie").map((item) => item.id);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const answer = await fetch(`${box.url}/UserItems/${id}/UserData?userId=${admin.id}`, {
        method: "POST",
        headers: { "X-Emby-Token": box.apiKey, "Content-Type": "application/json" },
        body: JSON.stringify({ Played: true, PlayCount: 1 }),
      });
      await answer.text();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids.length / ((performance.now() - started) / 1000);
}
