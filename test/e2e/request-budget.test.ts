import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../src/sandbox/index.js";
import { expectExit, expectNoViolations, type World, world } from "./helpers.js";

/** Items one re-check read answers (the adapter's id batch; src/executor/recheck.ts). */
const PAGE = 100;

interface PlannedWrite {
  type: string;
  user?: { name: string };
  itemId?: string;
}

/**
 * A user-data request: a batched read by ids (a re-check, or on Emby a read-back) or a write to
 * an item's user data (Jellyfin 10.9+ routes, or Emby's user-scoped ones).
 */
function userDataRequest(request: RequestLogEntry): boolean {
  const path = request.path.replace(/^\/emby(?=\/)/i, "");
  if (/^\/(UserItems|UserPlayedItems)\//.test(path)) return true;
  if (/^\/Users\/[^/]+\/(Items\/[^/]+\/(UserData|Rating)|PlayedItems\/[^/]+)$/.test(path)) return true;
  const list = path === "/Items" || /^\/Users\/[^/]+\/Items$/.test(path);
  return request.method === "GET" && list && Object.keys(request.query).some((name) => /^ids$/i.test(name));
}

async function planned(w: World): Promise<{ file: string; actions: PlannedWrite[] }> {
  const file = join(w.dir, "plan.json");
  expectExit(await w.cli(["plan", "--out", file, ...w.readFlags()]), 0);
  return { file, actions: (JSON.parse(readFileSync(file, "utf8")) as { actions: PlannedWrite[] }).actions };
}

function applyArgs(w: World, file: string): string[] {
  return ["apply", "--plan", file, "--journal", w.journal, "--credentials-file", w.credentials];
}

/**
 * Issue 14's request budget: `apply` sends at most 1.05 × the writes it needs plus
 * ⌈items / page⌉ re-check reads per user, instead of a read before and after every write.
 * Emby's write answers nothing, so its writes are read back too, in batches like the
 * re-checks: at most as many reads again (test/executor/readback.test.ts holds a bigger run
 * to the same 1.05 × as Jellyfin's; `npm run bench -- requests` measures both).
 */
describe.each([
  { kind: "jellyfin", version: "10.11", readsPerPage: 1 },
  { kind: "emby", version: "4.9", readsPerPage: 2 },
] as const)("apply's request budget ($kind $version, the sample scenario, through the CLI)", (server) => {
  it("user data: one request per write plus one re-check read per user and page of items", async () => {
    const w = await world({ kind: server.kind, version: server.version });
    const { file, actions } = await planned(w);
    const perUser = new Map<string, number>();
    for (const action of actions) {
      if (action.type !== "set-user-data") continue;
      perUser.set(action.user!.name, (perUser.get(action.user!.name) ?? 0) + 1);
    }
    const pages =
      server.readsPerPage * [...perUser.values()].reduce((sum, items) => sum + Math.ceil(items / PAGE), 0);
    expect(perUser.size).toBeGreaterThan(1);

    const start = w.box.requests.length;
    expectExit(await w.cli(applyArgs(w, file)), 0);
    const sent = w.box.requests.slice(start);
    const userData = sent.filter(userDataRequest);
    const writes = userData.filter((request) => request.write).length;
    const reads = userData.length - writes;
    // Every planned change needs its write (clearing a date or rating takes a DELETE more).
    expect(writes).toBeGreaterThanOrEqual([...perUser.values()].reduce((sum, items) => sum + items, 0));
    expect(reads).toBeLessThanOrEqual(pages);
    expect(userData.length).toBeLessThanOrEqual(Math.floor(1.05 * writes) + pages);

    // The whole run: the same budget plus the start-up checks and the container re-checks
    // (listing users, playlists and collections), which do not grow with the items.
    const allWrites = sent.filter((request) => request.write).length;
    const fixed = sent.filter((request) => !request.write && !userDataRequest(request)).length;
    expect(sent.length).toBeLessThanOrEqual(Math.floor(1.05 * allWrites) + pages + fixed);
    const containers = actions.filter((action) => action.type !== "set-user-data").length;
    expect(fixed).toBeLessThanOrEqual(10 + 12 * containers);
    expectNoViolations(w.box);
  });

  it("a value changed on the target between plan and apply is still a conflict, left as it is", async () => {
    const w = await world({ kind: server.kind, version: server.version });
    const { file, actions } = await planned(w);
    const plan = JSON.parse(readFileSync(file, "utf8")) as {
      actions: { type: string; user: { name: string; id: string | null }; itemId: string; set: object }[];
    };
    const target = plan.actions.find(
      (action) => action.type === "set-user-data" && action.user.id !== null && "playCount" in action.set,
    )!;
    expect(actions.length).toBeGreaterThan(1);
    // Someone plays the item on the target after the plan was made.
    const route =
      server.kind === "jellyfin"
        ? `/UserItems/${target.itemId}/UserData?userId=${target.user.id}`
        : `/Users/${target.user.id}/Items/${target.itemId}/UserData`;
    const changed = await fetch(`${w.box.url}${route}`, {
      method: "POST",
      headers: { "X-Emby-Token": w.box.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({ PlayCount: 41, Played: true }),
    });
    expect(changed.status).toBeLessThan(300);

    const apply = await w.cli(applyArgs(w, file));
    expectExit(apply, 1);
    expect(apply.stdout).toMatch(/conflicts 1,/);
    expect(apply.stdout).toMatch(
      /conflict: .*: the target changed since planning: .*playCount is 41, planned from/,
    );
    const read = server.kind === "jellyfin" ? route : `/Users/${target.user.id}/Items/${target.itemId}`;
    const after = await fetch(`${w.box.url}${read}`, { headers: { "X-Emby-Token": w.box.apiKey } });
    const answer = (await after.json()) as { PlayCount?: number; UserData?: { PlayCount: number } };
    expect(answer.UserData?.PlayCount ?? answer.PlayCount).toBe(41);
    expectNoViolations(w.box);
  });
});
