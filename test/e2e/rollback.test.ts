import { describe, expect, it } from "vitest";
import type { SandboxState } from "../../src/sandbox/index.js";
import { EXPECTED_MERGE } from "./expected.js";
import {
  endState,
  expectExit,
  expectNoViolations,
  noEntryRemoval,
  TARGETS,
  world,
  writesSince,
} from "./helpers.js";

/** SEMANTICS §7: rollback restores each prior value and removes what the migration made. */
/** What rollback can reach: before, except entries appended to "Movie Night" on 10.9–10.10. */
function reachable(
  before: SandboxState,
  kind: string,
  version: string,
  migrated: SandboxState,
): SandboxState {
  if (!noEntryRemoval(kind, version)) return before;
  const state = structuredClone(before);
  const movieNight = (s: SandboxState) =>
    s.playlists.find((p) => p.name === "Movie Night" && p.owner === "admin")!;
  movieNight(state).entries = movieNight(migrated).entries;
  return state;
}

const rollbackExit = (kind: string, version: string) => (noEntryRemoval(kind, version) ? 1 : 0);

describe.each(TARGETS)("rollback on $kind $version", ({ kind, version }) => {
  it("--include-users restores the target exactly; a second rollback changes nothing", async () => {
    const w = await world({ kind, version });
    const before = w.box.dump();
    expectExit(await w.cli(["migrate", ...w.flags()]), 0);
    const migrated = w.box.dump();
    expect(endState(migrated)).toEqual(EXPECTED_MERGE);

    const rollback = ["rollback", "--journal", w.journal, "--target-url", w.box.url, "--include-users"];
    const first = await w.cli(rollback);
    expectExit(first, rollbackExit(kind, version));
    if (noEntryRemoval(kind, version)) {
      expect(first.stdout).toContain("failed:   Movie Night: removing playlist entries with an API key");
    }
    expect(w.box.dump()).toEqual(reachable(before, kind, version, migrated));

    const start = w.box.requests.length;
    expectExit(await w.cli(rollback), rollbackExit(kind, version));
    expect(writesSince(w.box, start)).toEqual([]);
    expect(w.box.dump()).toEqual(reachable(before, kind, version, migrated));
    expectNoViolations(w.box);
  });

  it("without --include-users the created users remain and everything else is restored", async () => {
    const w = await world({ kind, version });
    const before = w.box.dump();
    expectExit(await w.cli(["migrate", ...w.flags()]), 0);
    const migrated = w.box.dump();

    const result = await w.cli(["rollback", "--journal", w.journal, "--target-url", w.box.url]);
    expectExit(result, rollbackExit(kind, version));
    expect(result.stdout).toContain("--include-users");
    const after = w.box.dump();
    const created = ["Kids", "account-23456789"];
    expect(after.users.filter((u) => !created.includes(u.name))).toEqual(before.users);
    expect(
      after.users
        .filter((u) => created.includes(u.name))
        .map((u) => u.name)
        .sort(),
    ).toEqual([...created].sort());
    // The kept users hold nothing any more: their data, playlists and collections are gone.
    expect(after.userData).toEqual({ ...before.userData, Kids: {}, "account-23456789": {} });
    expect(after.playlists).toEqual(reachable(before, kind, version, migrated).playlists);
    expect(after.collections).toEqual(before.collections);

    const start = w.box.requests.length;
    const again = await w.cli(["rollback", "--journal", w.journal, "--target-url", w.box.url]);
    expectExit(again, rollbackExit(kind, version));
    expect(writesSince(w.box, start)).toEqual([]);
    expectNoViolations(w.box);
  });
});
