import { readFileSync } from "node:fs";
import http from "node:http";
import type { TargetAdapter } from "../../src/targets/types.js";
import type { BenchGoal, GoalRow } from "../goal.js";
import { load, machineCpu, stealSince } from "../process.js";
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
 * request 20 ms after it arrived, beside the ideal concurrency / latency (every place in the
 * write queue busy with a write all the time). The sandbox runs in a process of its own.
 */
const LATENCY_MS = 20;
const CASES = [
  { kind: "jellyfin", concurrency: 4, movies: 1_000 },
  { kind: "jellyfin", concurrency: 16, movies: 3_000 },
  // Emby's writes are read back (its write answers nothing): in batches, off the write queue.
  { kind: "emby", concurrency: 4, movies: 1_000 },
] as const;

export const goal: BenchGoal = {
  name: "throughput",
  description: `apply's writes per second against the sandbox at ${LATENCY_MS} ms latency vs concurrency / latency`,
  async measure(context) {
    const rows: GoalRow[] = [];
    for (const { kind, concurrency, movies } of CASES) {
      let best: ApplyRun | undefined;
      let worst: ApplyRun | undefined;
      let bare = 0;
      const machine = machineCpu();
      for (let run = 1; run <= context.runs; run++) {
        const box = await sandboxProcess(
          context.root,
          movieLibrary(movies, 1),
          ["--latency", String(LATENCY_MS)],
          kind,
        );
        try {
          const adapter = await adapterFor(box.url, box.apiKey, concurrency);
          bare = Math.max(bare, await bareWrites(box, adapter, concurrency));
          const measured = await applyRun(box, adapter, concurrency);
          context.log(
            `  ${kind}, concurrency ${concurrency}, run ${run}/${context.runs}: ${measured.perSecond.toFixed(0)} writes/s (bare client ${bare.toFixed(0)})`,
          );
          if (best === undefined || measured.perSecond > best.perSecond) best = measured;
          if (worst === undefined || measured.perSecond < worst.perSecond) worst = measured;
        } finally {
          await box.stop();
        }
      }
      const b = best!;
      rows.push({
        goal: `throughput, concurrency ${concurrency}${kind === "emby" ? ", Emby" : ""}`,
        measured: { value: b.perSecond, unit: "writes/s" },
        floor: { value: (concurrency / LATENCY_MS) * 1000, unit: "writes/s" },
        target: { atLeast: 0.9 },
        note:
          `whole apply (connection check, batched re-checks, journal): ${b.writes} writes in ${(b.durationMs / 1000).toFixed(2)} s, ` +
          `of which ${b.startMs.toFixed(0)} ms before the first write and ${b.phasePerSecond.toFixed(0)} writes/s ` +
          `(${Math.round((b.phasePerSecond / ((concurrency / LATENCY_MS) * 1000)) * 100)} % of the ideal) from the first write on; ` +
          `CPU per write ${b.clientCpuMs.toFixed(2)} ms plexodus, ${b.sandboxCpuMs === null ? "?" : b.sandboxCpuMs.toFixed(2)} ms sandbox; ` +
          `a bare client sending only the same POSTs reached ${bare.toFixed(0)} writes/s; ` +
          `best of ${context.runs} (the slowest run ${worst!.perSecond.toFixed(0)} writes/s); ${stealSince(machine)}; load ${load()}`,
      });
    }
    return rows;
  },
};

interface ApplyRun {
  writes: number;
  durationMs: number;
  perSecond: number;
  /** From the start of apply to its first write sent: connection check, users, journal, first re-check. */
  startMs: number;
  /** Writes per second from the first write sent to the end of apply. */
  phasePerSecond: number;
  clientCpuMs: number;
  sandboxCpuMs: number | null;
}

/** One `apply` of a fresh watched plan, with when its first write went out and the CPU both sides used. */
async function applyRun(box: SandboxProcess, adapter: TargetAdapter, concurrency: number): Promise<ApplyRun> {
  const plan = await watchedPlan(adapter);
  let firstWrite: number | undefined;
  const sendUserData = adapter.sendUserData.bind(adapter);
  adapter.sendUserData = (...args) => {
    firstWrite ??= performance.now();
    return sendUserData(...args);
  };
  const sandboxCpu = cpuMsOf(box.pid);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await applyFresh(plan, adapter, concurrency);
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  const sandboxCpuAfter = cpuMsOf(box.pid);
  if (result.applied !== plan.actions.length) {
    throw new Error(`applied ${result.applied} of ${plan.actions.length}`);
  }
  const writes = result.writesSent;
  const first = firstWrite ?? started;
  return {
    writes,
    durationMs: result.durationMs,
    perSecond: writes / (result.durationMs / 1000),
    startMs: first - started,
    phasePerSecond: writes / ((ended - first) / 1000),
    clientCpuMs: (used.user + used.system) / 1000 / writes,
    sandboxCpuMs:
      sandboxCpu === null || sandboxCpuAfter === null ? null : (sandboxCpuAfter - sandboxCpu) / writes,
  };
}

/** User + system CPU of a process in ms (Linux /proc), or null where that cannot be read. */
function cpuMsOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * What this machine allows right now: the same number of user-data POSTs from a bare loop
 * (node:http on kept-alive sockets, no journal, no re-check, nothing parsed) at the same
 * concurrency, to items of the admin, whose state the plan does not touch, authenticated as
 * plexodus is (Jellyfin 12 refuses the legacy X-Emby-Token: a bare loop sending it measures
 * 401 answers). Said beside the figure, so a loaded machine is visible as such. (fetch costs
 * more CPU per request than node:http and reached 5–15 % fewer writes per second.)
 */
async function bareWrites(box: SandboxProcess, adapter: TargetAdapter, concurrency: number): Promise<number> {
  const admin = (await adapter.listUsers()).find((user) => user.isAdmin)!;
  const ids = (await adapter.index()).items.filter((item) => item.kind === "movie").map((item) => item.id);
  const authorization = `MediaBrowser Client="bench", Device="bench", DeviceId="bench-bare", Version="1", Token="${box.apiKey}"`;
  const agent = new http.Agent({ keepAlive: true, noDelay: true, maxSockets: concurrency });
  const body = JSON.stringify({ Played: true, PlayCount: 1 });
  const headers = {
    Authorization: authorization,
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
  };
  const post = (id: string) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        adapter.userDataReadBack
          ? `${box.url}/Users/${admin.id}/Items/${id}/UserData`
          : `${box.url}/UserItems/${id}/UserData?userId=${admin.id}`,
        { method: "POST", agent, headers },
        (answer) => {
          answer.resume();
          answer.on("end", () => {
            const status = answer.statusCode ?? 0;
            if (status < 200 || status >= 300)
              reject(new Error(`the bare client's write was answered HTTP ${status}`));
            else resolve();
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < ids.length) await post(ids[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return ids.length / ((performance.now() - started) / 1000);
}
