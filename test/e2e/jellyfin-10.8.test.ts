import { describe, expect, it } from "vitest";
import { EXPECTED_MERGE } from "./expected.js";
import { endState, expectExit, expectNoViolations, world } from "./helpers.js";

/**
 * Jellyfin 10.8 has no absolute user-data write (its mark-played route increments the count):
 * the plan says which fields could not be migrated, and nothing is written for user data.
 */
describe("Jellyfin 10.8", () => {
  it("plan reports the limitation; migrate writes no user data but users, playlists, collections", async () => {
    const w = await world({ kind: "jellyfin", version: "10.8" });
    const before = endState(w.box.dump());

    const plan = await w.cli(["plan", "--json", ...w.readFlags()]);
    expectExit(plan, 0);
    const document = JSON.parse(plan.stdout);
    expect(document.limitations.join("\n")).toMatch(/10\.8.*no absolute user-data write/);
    expect(document.summary.planned).toMatchObject({ watched: 0, progress: 0, ratings: 0 });
    expect(document.summary.skipped.watched).toBeGreaterThan(0);
    expect(document.plan.actions.filter((a: { type: string }) => a.type === "set-user-data")).toEqual([]);

    const text = await w.cli(["migrate", ...w.flags()]);
    expectExit(text, 0);
    expect(text.stdout).toContain("has no absolute user-data write");
    const writes = w.box.requests.filter((r) => r.write).map((r) => `${r.method} ${r.path}`);
    expect(writes.filter((r) => /PlayedItems|UserData|Rating|FavoriteItems|PlayingItems/i.test(r))).toEqual(
      [],
    );

    // verify finds no drift it could fix, but says what it could not migrate.
    const verify = await w.cli(["verify", ...w.readFlags()]);
    expectExit(verify, 0);
    expect(verify.stdout).toContain("No drift");
    expect(verify.stdout).toMatch(/! jellyfin 10\.8\.\d+ has no absolute user-data write/);

    const after = endState(w.box.dump());
    // Existing user data untouched, created users hold none.
    expect(after.userData).toEqual(before.userData);
    expect(after.users).toEqual(EXPECTED_MERGE.users);
    expect(after.playlists).toEqual(EXPECTED_MERGE.playlists);
    expect(after.collections).toEqual(EXPECTED_MERGE.collections);
    expectNoViolations(w.box);
  });
});
