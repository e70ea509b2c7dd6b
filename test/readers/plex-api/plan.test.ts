import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import type { Snapshot } from "../../../src/model/index.js";
import { readSource } from "../../../src/pipeline/source.js";
import { SILENT_PROGRESS } from "../../../src/progress.js";
import { mappedByName, matches, plan, targetState } from "../../planner/helpers.js";
import { plexFixture } from "./helpers.js";

/** Smart playlist and collection membership from the API reaches the plan; without it, a skip. */

const fixture = plexFixture();

async function read(flags: Record<string, unknown>): Promise<Snapshot> {
  return readSource(loadConfig({ flags, env: {} }), SILENT_PROGRESS);
}

/** Every Plex item matched to target item `j<key>`, every account to an existing user. */
function planFor(source: Snapshot) {
  const pairs = Object.fromEntries(source.items.map((item) => [item.key, `j${item.key}`]));
  const users = mappedByName(source.users);
  return plan({ snapshot: source, users, matches: matches(pairs), state: targetState(source.users) });
}

describe("smart membership in a plan", () => {
  it("through the API: the smart playlist is created with its current entries", async () => {
    const { sandbox } = fixture();
    const source = await read({ plexUrl: sandbox.url, plexToken: sandbox.token });
    const result = planFor(source);
    const smart = result.actions.find(
      (a) => a.type === "create-playlist" && a.title === "Unwatched Breaking Bad",
    );
    expect(smart).toMatchObject({ itemIds: ["j305"] });
    const collection = result.actions.find(
      (a) => a.type === "create-collection" && a.title === "Recently Rated",
    );
    expect(collection).toMatchObject({ itemIds: ["j105", "j101"] });
  });

  it("database and API: the database's lists stay, the API fills in smart membership", async () => {
    const { sandbox, databasePath } = fixture();
    const source = await read({ plexDb: databasePath, plexUrl: sandbox.url, plexToken: sandbox.token });
    expect(source.source).toMatchObject({ kind: "plex-db+api", serverId: sandbox.machineIdentifier });
    // The managed user's playlist comes from the database, untouched by the owner's token.
    expect(source.playlists.find((p) => p.key === "702")).toMatchObject({
      ownerUserId: "7654321",
      entries: ["503", "504"],
    });
    const result = planFor(source);
    expect(
      result.actions.find((a) => a.type === "create-playlist" && a.title === "Unwatched Breaking Bad"),
    ).toMatchObject({ itemIds: ["j305"] });
    expect(
      result.actions.find((a) => a.type === "create-collection" && a.title === "Recently Rated"),
    ).toMatchObject({
      itemIds: ["j105", "j101"],
    });
    expect(source.warnings.some((w) => w.code === "smart-playlist")).toBe(false);
  });

  it("database only: the smart playlist is skipped with its reason", async () => {
    const source = await read({ plexDb: fixture().databasePath });
    const result = planFor(source);
    expect(
      result.actions.some((a) => a.type === "create-playlist" && a.title === "Unwatched Breaking Bad"),
    ).toBe(false);
    expect(result.skipped.some((s) => s.reason === "smart-membership-unknown")).toBe(true);
  });

  it("needs a source", async () => {
    await expect(read({})).rejects.toMatchObject({ category: "config" });
  });
});
