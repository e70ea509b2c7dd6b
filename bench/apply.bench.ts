import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPlan } from "../src/executor/apply.js";
import type { Action, Plan } from "../src/planner/plan.js";
import { SILENT_PROGRESS } from "../src/progress.js";
import type { TargetAdapter } from "../src/targets/types.js";
import { FakeTarget } from "../test/helpers/fake-target.js";

export const description =
  "apply throughput (one re-check + one write per action) against a target answering in 20 ms, vs the ideal concurrency / latency";

const LATENCY_MS = 20;
const ACTIONS = 200;
const CONCURRENCIES = [1, 4, 8];

const EMPTY = {
  played: false,
  playCount: 0,
  lastPlayedAt: null,
  positionMs: 0,
  rating: null,
  isFavorite: false,
};

function planFor(serverId: string, url: string, actions: Action[]): Plan {
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    source: { kind: "bench", serverName: null, serverId: null, schemaFingerprint: "bench" },
    target: { kind: "jellyfin", version: "10.10.7", serverId, serverName: "bench", url },
    options: { mode: "mirror", kinds: ["watched"], favoriteMinRating: null },
    users: [],
    actions,
    skipped: [],
    unmatched: [],
    limitations: [],
    counts: { users: 0, watched: actions.length, progress: 0, ratings: 0, playlists: 0, collections: 0 },
  };
}

async function measure(
  label: string,
  adapter: TargetAdapter,
  plan: Plan,
  concurrency: number,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-bench-"));
  try {
    const result = await applyPlan(plan, adapter, {
      journalPath: join(dir, "bench.journal"),
      concurrency,
      credentialsFile: join(dir, "credentials.txt"),
      progress: SILENT_PROGRESS,
    });
    const perSecond = (result.applied / result.durationMs) * 1000;
    const ideal = (concurrency / LATENCY_MS) * 1000;
    console.log(
      `${label.padEnd(22)} concurrency ${String(concurrency).padStart(2)}: ${result.applied} actions in ${result.durationMs} ms = ${perSecond.toFixed(1)} actions/s (ideal ${ideal.toFixed(0)}/s, ${((perSecond / ideal) * 100).toFixed(0)} %)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function againstFake(concurrency: number): Promise<void> {
  const items = Array.from({ length: ACTIONS }, (_, i) => `item${i}`);
  const fake = new FakeTarget({ users: ["alice"], items });
  fake.setFaults({ latencyMs: LATENCY_MS });
  const user = { name: "alice", id: fake.userId("alice") };
  const actions: Action[] = items.map((itemId, n) => ({
    key: `watched:alice:${itemId}`,
    type: "set-user-data",
    user,
    itemId,
    title: itemId,
    sourceItemKeys: [itemId],
    categories: ["watched"],
    before: EMPTY,
    set: { played: true, playCount: 1 + (n % 5), lastPlayedAt: "2024-01-01T00:00:00.000Z" },
  }));
  await measure("fake target", fake, planFor(fake.info.serverId, fake.info.url, actions), concurrency);
}

/** The sandbox and the real adapter, when both are present in this build. */
async function againstSandbox(concurrency: number): Promise<void> {
  const { startSandbox } = await import("../src/sandbox/index.js");
  const { connectTarget } = await import("../src/targets/detect.js");
  const sandbox = await startSandbox({ kind: "jellyfin", faults: { latencyMs: LATENCY_MS } });
  try {
    const adapter = await connectTarget({
      url: sandbox.url,
      apiKey: sandbox.apiKey,
      kind: "auto",
      timeout: 30,
      concurrency,
    });
    const info = await adapter.check();
    const index = await adapter.index();
    const leaves = index.items.filter((i) => ["movie", "episode", "track"].includes(i.kind));
    const users = await adapter.listUsers();
    const actions: Action[] = [];
    for (const user of users) {
      const current = await adapter.readUserData(
        user.id,
        leaves.map((i) => i.id),
      );
      for (const item of leaves) {
        const now = current.get(item.id);
        const before = {
          ...EMPTY,
          ...now,
          lastPlayedAt: now?.lastPlayedAt ? now.lastPlayedAt.toISOString() : null,
        };
        actions.push({
          key: `watched:${user.name}:${item.id}`,
          type: "set-user-data",
          user: { name: user.name, id: user.id },
          itemId: item.id,
          title: item.title,
          sourceItemKeys: [item.id],
          categories: ["watched"],
          before,
          set: { played: true, playCount: before.playCount + 1, lastPlayedAt: "2024-01-01T00:00:00.000Z" },
        });
      }
    }
    const sentBefore = sandbox.requests.length;
    await measure(
      `sandbox ${info.kind} ${info.version}`,
      adapter,
      planFor(info.serverId, info.url, actions),
      concurrency,
    );
    // Each action is several round trips (executor re-check, adapter read, write, read-back),
    // so the per-request ideal explains most of the gap to concurrency / latency.
    const perAction = (sandbox.requests.length - sentBefore) / actions.length;
    const ideal = (concurrency / LATENCY_MS / perAction) * 1000;
    console.log(
      `${"".padEnd(22)} ${perAction.toFixed(1)} requests per action; ideal at that many round trips ${ideal.toFixed(0)}/s`,
    );
    adapter.close();
  } finally {
    await sandbox.stop();
  }
}

export async function run(): Promise<void> {
  for (const concurrency of CONCURRENCIES) await againstFake(concurrency);
  for (const concurrency of CONCURRENCIES) {
    try {
      await againstSandbox(concurrency);
    } catch (error) {
      console.log(`sandbox concurrency ${concurrency}: not measured (${(error as Error).message})`);
    }
  }
}
