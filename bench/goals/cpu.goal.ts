import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPlan } from "../../src/executor/apply.js";
import type { Action, Plan } from "../../src/planner/plan.js";
import { SILENT_PROGRESS } from "../../src/progress.js";
import { FakeTarget } from "../../test/helpers/fake-target.js";
import type { BenchGoal } from "../goal.js";
import { load } from "../process.js";

/**
 * Client CPU goal: plexodus's CPU per applied action when the target costs nothing (the
 * in-memory target of the executor tests, answering at once), journal included: a real
 * journal file with its fsyncs, the batched re-check, one write per action.
 */
const ACTIONS = 100_000;
const USERS = 20;
/** The goal: at most this much CPU per applied action. */
const LIMIT_MS = 0.3;

const EMPTY = {
  played: false,
  playCount: 0,
  lastPlayedAt: null,
  positionMs: 0,
  rating: null,
  isFavorite: false,
};

/** `actions` user-data writes over `users` users of an empty in-memory target. */
export function inMemoryPlan(actions: number, users: number): { fake: FakeTarget; plan: Plan } {
  const perUser = Math.ceil(actions / users);
  const items = Array.from({ length: perUser }, (_, i) => `item${i}`);
  const names = Array.from({ length: users }, (_, i) => `user${i}`);
  const fake = new FakeTarget({ users: names, items });
  const list: Action[] = [];
  for (const name of names) {
    const user = { name, id: fake.userId(name) };
    for (const itemId of items) {
      if (list.length === actions) break;
      const n = list.length;
      list.push({
        key: `watched:${name}:${itemId}`,
        type: "set-user-data",
        user,
        itemId,
        title: `Item ${itemId}`,
        sourceItemKeys: [`plex:${itemId}`],
        categories: ["watched"],
        before: EMPTY,
        set: { played: true, playCount: 1 + (n % 5), lastPlayedAt: "2024-01-01T00:00:00.000Z" },
      });
    }
  }
  const plan: Plan = {
    version: 1,
    createdAt: new Date().toISOString(),
    source: { kind: "plex-db", serverName: null, serverId: null, schemaFingerprint: "bench" },
    target: {
      kind: "jellyfin",
      version: fake.info.version,
      serverId: fake.info.serverId,
      serverName: "bench",
      url: fake.info.url,
    },
    options: { mode: "merge", kinds: ["watched"], favoriteMinRating: null },
    users: [],
    actions: list,
    skipped: [],
    unmatched: [],
    limitations: [],
    counts: { users: 0, watched: list.length, progress: 0, ratings: 0, playlists: 0, collections: 0 },
  };
  return { fake, plan };
}

/** CPU (user + system) of one in-memory apply of `actions` actions, and how many were applied. */
export async function applyInMemory(actions: number): Promise<{ cpuMs: number; applied: number }> {
  const { fake, plan } = inMemoryPlan(actions, USERS);
  const dir = mkdtempSync(join(tmpdir(), "plexodus-bench-cpu-"));
  try {
    const before = process.cpuUsage();
    const result = await applyPlan(plan, fake, {
      journalPath: join(dir, "bench.journal"),
      concurrency: 4,
      credentialsFile: join(dir, "credentials.txt"),
      progress: SILENT_PROGRESS,
    });
    const used = process.cpuUsage(before);
    return { cpuMs: (used.user + used.system) / 1000, applied: result.applied };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const goal: BenchGoal = {
  name: "cpu",
  description: `plexodus CPU per applied action, ${ACTIONS.toLocaleString("en")} actions against an in-memory target`,
  async measure(context) {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 1; run <= context.runs; run++) {
      const { cpuMs, applied } = await applyInMemory(ACTIONS);
      if (applied !== ACTIONS) throw new Error(`the in-memory apply applied ${applied} of ${ACTIONS}`);
      const perAction = cpuMs / applied;
      context.log(
        `  run ${run}/${context.runs}: ${(cpuMs / 1000).toFixed(2)} s CPU, ${perAction.toFixed(3)} ms/action`,
      );
      best = Math.min(best, perAction);
    }
    return [
      {
        goal: `client CPU, ${ACTIONS / 1000}k actions`,
        measured: { value: best, unit: "ms/action" },
        floor: { value: LIMIT_MS, unit: "ms/action" },
        target: { atMost: 1 },
        note: `in-process, journal on ${tmpdir()} (synchronous FULL, one commit per group of concurrent priors), concurrency 4, best of ${context.runs}; load ${load()}`,
      },
    ];
  },
};
