import { startSandbox } from "../../src/sandbox/index.js";
import type { BenchGoal } from "../goal.js";
import { adapterFor, applyFresh, movieLibrary, watchedPlan } from "./apply-setup.js";

/**
 * Requests goal: every request `apply` sends to the target (the sandbox's request log), beside
 * the writes the plan needs: one per change. The re-check reads (one per user and 100 items),
 * on Emby the read-backs (batched alike), and the connection check are what the 5 % allow for.
 */
const MOVIES = 2_000;
const USERS = 3;
const CONCURRENCY = 4;

const SERVERS = [
  { kind: "jellyfin", version: "10.11", label: "Jellyfin 10.11" },
  // Emby's write answers nothing: its writes are read back, in batches like the re-checks.
  { kind: "emby", version: "4.9", label: "Emby 4.9" },
] as const;

export const goal: BenchGoal = {
  name: "requests",
  description: `target requests of apply (${MOVIES} items × ${USERS} users, one change each) vs the writes needed`,
  async measure() {
    const rows = [];
    for (const server of SERVERS) rows.push(await measureOn(server));
    return rows;
  },
};

async function measureOn(server: (typeof SERVERS)[number]) {
  const box = await startSandbox({
    kind: server.kind,
    version: server.version,
    library: movieLibrary(MOVIES, USERS),
    validate: false,
  });
  try {
    const adapter = await adapterFor(box.url, box.apiKey, CONCURRENCY);
    const plan = await watchedPlan(adapter);
    const start = box.requests.length;
    const result = await applyFresh(plan, adapter, CONCURRENCY);
    if (result.applied !== plan.actions.length)
      throw new Error(`applied ${result.applied} of ${plan.actions.length}`);
    const sent = box.requests.slice(start);
    const writes = sent.filter((request) => request.write).length;
    const reads = sent.length - writes;
    const readBacks = adapter.userDataReadBack ? " and the batched read-backs of the writes" : "";
    return {
      goal: `requests per change, ${(MOVIES * USERS).toLocaleString("en")} changes, ${server.label}`,
      measured: { value: sent.length, unit: "requests" },
      floor: { value: plan.actions.length, unit: "writes" },
      target: { atMost: 1.05 },
      note: `${server.label} sandbox: ${writes} writes, ${reads} reads (re-checks: ${USERS} users × ⌈${MOVIES} / 100⌉${readBacks}, plus the connection check and user list)`,
    };
  } finally {
    await box.stop();
  }
}
