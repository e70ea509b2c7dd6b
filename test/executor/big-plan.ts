import type { Action, Plan } from "../../src/planner/plan.js";
import { FakeTarget } from "../helpers/fake-target.js";
import { EMPTY, planOf } from "./scenario.js";

export const ITEMS = 250;

/**
 * Two users, ITEMS user-data writes each, planned against an empty target; `reads` logs the
 * ids of every batch read (re-checks and read-backs).
 */
export function bigPlan(): { fake: FakeTarget; plan: Plan; reads: string[][]; readBacks: string[][] } {
  const items = Array.from({ length: ITEMS }, (_, i) => `i${String(i).padStart(3, "0")}`);
  const fake = new FakeTarget({ users: ["alice", "bob"], items });
  const reads: string[][] = [];
  // Reads of items all written already: read-backs, not re-checks.
  const readBacks: string[][] = [];
  const written = new Set<string>();
  const read = fake.readUserData;
  fake.readUserData = (userId, itemIds) => {
    for (const write of fake.writeLog) if (write.outcome !== "503") written.add(write.subject);
    reads.push([...itemIds]);
    if (itemIds.every((id) => written.has(`${userId}/${id}`))) readBacks.push([...itemIds]);
    return read(userId, itemIds);
  };
  fake.getUserData = () => Promise.reject(new Error("the re-check reads in batches, never one item"));
  const actions: Action[] = ["alice", "bob"].flatMap((name) =>
    items.map(
      (itemId, n): Action => ({
        key: `watched:${name}:${itemId}`,
        type: "set-user-data",
        user: { name, id: fake.userId(name) },
        itemId,
        title: `Item ${itemId}`,
        sourceItemKeys: [`plex:${itemId}`],
        categories: ["watched"],
        before: EMPTY,
        set: { played: true, playCount: 1 + (n % 3) },
      }),
    ),
  );
  const plan = planOf(fake, actions, {
    createdAt: "2024-01-01T00:00:00.000Z",
    source: { kind: "plex-db", serverName: null, serverId: null, schemaFingerprint: "test" },
    options: { mode: "merge", kinds: ["watched"], favoriteMinRating: null },
    counts: { users: 0, watched: actions.length, progress: 0, ratings: 0, playlists: 0, collections: 0 },
  });
  return { fake, plan, reads, readBacks };
}
