import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApplyOptions, applyPlan } from "../../src/executor/apply.js";
import { SILENT_PROGRESS } from "../../src/progress.js";
import type { FakeState } from "../helpers/fake-target.js";
import { scenario } from "./scenario.js";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "plexodus-exec-"));
}

export function applyOptions(dir: string, extra: Partial<ApplyOptions> = {}): ApplyOptions {
  return {
    journalPath: join(dir, "run.journal"),
    concurrency: 4,
    credentialsFile: join(dir, "credentials.txt"),
    progress: SILENT_PROGRESS,
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  };
}

/** The state an uninterrupted run reaches on a fresh scenario, user ids included (they are deterministic). */
export async function referenceState() {
  const { fake, plan } = await scenario();
  await applyPlan(plan, fake, applyOptions(tempDir()));
  return neutral(fake.state());
}

/**
 * The state in server-neutral terms (names, titles, item ids), for comparing runs whose
 * retries made the fake hand out ids in another order.
 */
export function neutral(state: FakeState) {
  const name = (id: string | null) => state.users.find((u) => u.id === id)?.name ?? `?${id}`;
  return {
    users: state.users.map((u) => u.name).sort(),
    userData: Object.fromEntries(
      Object.entries(state.userData)
        .map(([key, value]) => {
          const [userId, itemId] = key.split("/");
          return [`${name(userId!)}/${itemId}`, value] as const;
        })
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
    playlists: state.playlists
      .map((p) => ({ owner: name(p.ownerUserId), title: p.title, items: p.entries.map((e) => e.itemId) }))
      .sort((a, b) => `${a.owner}/${a.title}`.localeCompare(`${b.owner}/${b.title}`)),
    collections: state.collections
      .map((c) => ({ title: c.title, items: c.memberIds }))
      .sort((a, b) => a.title.localeCompare(b.title)),
  };
}
