import { describe, expect, it } from "vitest";
import { EXPECTED_MERGE } from "./expected.js";
import { endState, expectExit, expectNoViolations, world, writesSince } from "./helpers.js";

/**
 * Emby 4.7 shows every playlist to every user, so private Plex playlists cannot be kept
 * private there: they are left out and the plan says so, and everything else migrates.
 */
describe("Emby 4.7", () => {
  it("migrates everything but playlists, reporting why, and verifies clean", async () => {
    const w = await world({ kind: "emby", version: "4.7" });
    const before = w.box.dump();
    const result = await w.cli(["migrate", ...w.flags()]);
    expectExit(result, 0);
    expect(result.stdout).toContain(
      "The target shares every playlist with all users, so 2 playlists were not migrated",
    );
    const after = endState(w.box.dump());
    expect(after.userData).toEqual(EXPECTED_MERGE.userData);
    expect(after.users).toEqual(EXPECTED_MERGE.users);
    expect(after.collections).toEqual(EXPECTED_MERGE.collections);
    expect(w.box.dump().playlists).toEqual(before.playlists);

    const start = w.box.requests.length;
    const verify = await w.cli(["verify", ...w.readFlags()]);
    expectExit(verify, 0);
    expect(verify.stdout).toContain("! The target shares every playlist");
    expect(writesSince(w.box, start)).toEqual([]);
    expectNoViolations(w.box);
  });
});
