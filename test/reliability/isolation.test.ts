import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/planner/plan.js";
import { run } from "../helpers/io.js";
import { sampleRig } from "./harness.js";

/**
 * SEMANTICS §6: a user's data is written only to that user's mapped target user, and nothing
 * private becomes public or shared. Every write request the sandbox saw is checked against the
 * plan: the user it names must be the plan's user for that item.
 */
describe("privacy: per-user isolation of writes", () => {
  it.each(["jellyfin", "emby"] as const)(
    "on %s, no write for one user carries another user's item",
    async (kind) => {
      const rig = await sampleRig({ kind });
      try {
        // The target's own playlists, which no plan names, must come through untouched.
        const before = rig.sandbox.dump().playlists;
        const planFile = join(rig.dir, "plan.json");
        expect((await rig.run("plan", "--out", planFile)).code).toBe(0);
        const applied = await run(
          [
            "apply",
            "--plan",
            planFile,
            "--yes",
            "--journal",
            rig.journal,
            "--credentials-file",
            rig.credentials,
          ],
          { cwd: rig.dir, env: { PLEXODUS_TARGET_API_KEY: rig.sandbox.apiKey } },
        );
        expect(applied.code, applied.stderr).toBe(0);
        const plan = JSON.parse(readFileSync(planFile, "utf8")) as Plan;
        const state = rig.sandbox.dump();
        const idOf = new Map(state.users.map((u) => [u.name.toLowerCase(), u.id]));
        const nameOf = new Map(state.users.map((u) => [u.id, u.name]));

        // (target user id, item id) pairs the plan allows to be written.
        const allowed = new Set<string>();
        for (const action of plan.actions) {
          if (action.type === "set-user-data") {
            allowed.add(`${action.user.id ?? idOf.get(action.user.name.toLowerCase())}|${action.itemId}`);
          }
        }
        expect(allowed.size).toBeGreaterThan(3);
        const userIds = new Set(nameOf.keys());
        let checked = 0;
        for (const request of rig.sandbox.requests.filter((r) => r.write && r.status < 300)) {
          const mentioned = [
            ...request.path.split("/"),
            ...Object.values(request.query).flatMap((v) => (Array.isArray(v) ? v : String(v).split(","))),
          ];
          const users = [...new Set(mentioned.filter((part) => userIds.has(part)))];
          expect(users.length, `${request.method} ${request.path}`).toBeLessThanOrEqual(1);
          const item = /\/(?:UserItems|Items|PlayedItems|FavoriteItems)\/([^/]+)/i.exec(request.path)?.[1];
          if (
            users.length === 1 &&
            item !== undefined &&
            /UserData|PlayedItems|FavoriteItems|Rating/i.test(request.path)
          ) {
            expect(
              allowed.has(`${users[0]}|${item}`),
              `${request.method} ${request.path} for ${nameOf.get(users[0]!)}`,
            ).toBe(true);
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(3);

        // Playlists: each is owned by the plan's user for that title, private, shared with nobody,
        // and holds only the items the plan gave that user's playlist.
        const planned = new Map<string, { owner: string; items: Set<string> }>();
        for (const action of plan.actions) {
          if (action.type === "create-playlist" || action.type === "add-playlist-entries") {
            const entry = planned.get(action.title) ?? { owner: action.user.name, items: new Set<string>() };
            for (const id of action.itemIds) entry.items.add(id);
            planned.set(action.title, entry);
          }
        }
        expect(planned.size).toBeGreaterThan(0);
        for (const playlist of state.playlists) {
          const want = planned.get(playlist.name);
          if (want === undefined) {
            expect(playlist, playlist.name).toEqual(before.find((p) => p.id === playlist.id));
            continue;
          }
          expect(playlist.owner?.toLowerCase()).toBe(want!.owner.toLowerCase());
          expect(playlist.isPublic).toBe(false);
          // The servers list the owner among a playlist's shares; nobody else may be there.
          expect(playlist.shares.filter((share) => share.userId !== playlist.ownerId)).toEqual([]);
          for (const entry of playlist.entries)
            expect(want!.items.has(entry.itemId), playlist.name).toBe(true);
        }
        expect(rig.sandbox.violations).toEqual([]);
      } finally {
        await rig.cleanup();
      }
    },
  );
});
