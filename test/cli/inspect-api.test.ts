import { describe, expect, it } from "vitest";
import type { InspectReport } from "../../src/pipeline/inspect.js";
import { FRIEND, MANAGED } from "../../src/sample/index.js";
import { type CliResult, run } from "../helpers/io.js";
import { plexFixture, TOKEN } from "../readers/plex-api/helpers.js";

/** `inspect` reads through the Plex API as `plan` does, and agrees with the database. */

const fixture = plexFixture();

function viaApi(...extra: string[]): Promise<CliResult> {
  return run(["inspect", "--plex-url", fixture().sandbox.url, "--plex-token", TOKEN, ...extra]);
}

function viaDatabase(...extra: string[]): Promise<CliResult> {
  return run(["inspect", "--plex-db", fixture().databasePath, "--plex-timezone", "UTC", ...extra]);
}

function expectNoToken(result: CliResult): void {
  expect(result.stdout).not.toContain(TOKEN);
  expect(result.stderr).not.toContain(TOKEN);
}

describe("plexodus inspect --plex-url --plex-token", () => {
  it("reports the same people and libraries as the database, and what the API knows of them", async () => {
    const api = await viaApi("--json");
    const db = await viaDatabase("--json");
    expectNoToken(api);
    expect(api.code).toBe(0);
    expect(db.code).toBe(0);
    const fromApi: InspectReport = JSON.parse(api.stdout);
    const fromDb: InspectReport = JSON.parse(db.stdout);
    expect(fromApi.source.kind).toBe("plex-api");

    const who = (report: InspectReport) =>
      report.users.map(({ id, name, isOwner, isPlaceholder }) => ({ id, name, isOwner, isPlaceholder }));
    expect(who(fromApi)).toEqual(who(fromDb));
    expect(fromApi.libraries).toEqual(fromDb.libraries);
    expect(fromApi.totals.items).toBe(fromDb.totals.items);
    expect(fromApi.totals.history).toBe(fromDb.totals.history);

    // The token is the owner's: the API shows the owner's own state and playlists in full.
    const own = (report: InspectReport) => {
      const { watched, inProgress, rated, playlists } = report.users.find((u) => u.isOwner)!;
      return { watched, inProgress, rated, playlists };
    };
    expect(own(fromApi)).toEqual(own(fromDb));
    // Other accounts' watched state is inferred from their plays, and the report says so: the
    // friend marked a film played without a play, which only the database knows (item 14).
    const userOf = (report: InspectReport, id: string) => report.users.find((u) => u.id === id)!;
    for (const user of fromDb.users.filter((u) => !u.isOwner)) {
      expect(user.inferredFields).toEqual([]);
      expect(userOf(fromApi, user.id).inferredFields).toEqual(["watched"]);
      expect(userOf(fromApi, user.id).unknownFields).toEqual(["progress", "ratings", "playlists"]);
    }
    expect(userOf(fromApi, String(MANAGED)).watched).toBe(userOf(fromDb, String(MANAGED)).watched);
    expect(userOf(fromDb, String(FRIEND)).watched).toBe(3);
    expect(userOf(fromApi, String(FRIEND)).watched).toBe(2);
  });

  it("prints the same user and library lines as inspect --plex-db, without the token", async () => {
    const api = await viaApi();
    const db = await viaDatabase();
    expectNoToken(api);
    expect(api.code).toBe(0);
    const section = (text: string, from: string, to: string) =>
      text.slice(text.indexOf(from), text.indexOf(to)).split("\n");
    const libraries = (text: string) => section(text, "Libraries:", "Totals:");
    expect(libraries(api.stdout)).toEqual(libraries(db.stdout));
    // User lines agree up to the counts, which the API knows less of for other accounts.
    const people = (text: string) =>
      section(text, "Users:", "Libraries:")
        .filter((line) => !line.startsWith("  (from plays:"))
        .map((line) => line.split(":")[0]);
    expect(people(api.stdout)).toEqual(people(db.stdout));
    expect(people(api.stdout)).toContain("  plexowner [1] (owner)");
    // Issue 13 item 14: what the API infers or cannot know is said on each account's line.
    expect(api.stdout).toContain("alex.friend [12345678]: 2 watched (from plays),");
    expect(api.stdout).toContain("; unknown through the Plex API: resume positions, ratings, playlists");
    expect(api.stdout).toContain("(from plays: the Plex API shows Plex's played flag only for the owner;");
    expect(db.stdout).not.toContain("from plays");
  });

  it("exits 4 and names the option when Plex refuses the token", async () => {
    const bad = "wrong-token-7e6d5c4b3a";
    const result = await run(["inspect", "--plex-url", fixture().sandbox.url, "--plex-token", bad]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("--plex-token");
    expect(result.stdout).not.toContain(bad);
    expect(result.stderr).not.toContain(bad);
  });
});
