import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PATH_MAP, DEMO_USER_MAP } from "../../../src/sample/index.js";
import { type Sandbox, startSandbox } from "../../../src/sandbox/index.js";
import { run } from "../../helpers/io.js";
import { itemsOf } from "../../helpers/sample-target.js";
import { plexFixture, SCENARIO, TOKEN } from "./helpers.js";

/** The CLI reading through the Plex API: plan against the Jellyfin sandbox, errors, secrecy. */

const fixture = plexFixture();
const API_KEY = "jellyfin-key-0a1b2c3d4e5f";
let jellyfin: Sandbox;

beforeAll(async () => {
  jellyfin = await startSandbox({ kind: "jellyfin", apiKey: API_KEY });
});
afterAll(async () => {
  await jellyfin.stop();
});

/** The items of a smart list of the fixture scenario, in the order Plex gives them. */
function smartMembers(lists: readonly { title: string; smartMembers?: number[] }[], title: string) {
  const ids = lists.find((list) => list.title === title)?.smartMembers ?? [];
  return ids.map((id) => SCENARIO.items.find((item) => item.id === id)!);
}

function args(plexUrl: string, token: string, extra: string[] = []): string[] {
  return [
    "plan",
    "--json",
    "--plex-url",
    plexUrl,
    "--plex-token",
    token,
    "--target-url",
    jellyfin.url,
    "--target-api-key",
    API_KEY,
    ...extra,
  ];
}

function expectNoSecrets(out: { stdout: string; stderr: string }, ...secrets: string[]) {
  for (const secret of secrets) {
    expect(out.stdout).not.toContain(secret);
    expect(out.stderr).not.toContain(secret);
  }
}

/** A port nothing listens on: bound once by the OS, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("plexodus plan --plex-url", () => {
  it("plans from the API, smart playlist membership included, without showing the token", async () => {
    const out = await run(args(fixture().sandbox.url, TOKEN, ["--create-users"]));
    expectNoSecrets(out, TOKEN, API_KEY);
    expect([0, 2]).toContain(out.code);
    const document = JSON.parse(out.stdout);
    expect(document.plan.source.kind).toBe("plex-api");
    // The smart collection arrives with its current members, those the sandbox target holds.
    const collection = document.plan.actions.find(
      (a: { key: string }) => a.key === "collection/Recently Rated",
    );
    const held = new Set(itemsOf().map(({ item }) => item.name));
    const members = smartMembers(SCENARIO.collections, "Recently Rated");
    expect(collection?.itemIds).toHaveLength(members.filter((item) => held.has(item.title)).length);
    // The smart playlist's current entries are known: each is planned or reported unmatched.
    const entries = smartMembers(SCENARIO.playlists, "Unwatched Breaking Bad");
    const playlist = document.plan.actions.find(
      (a: { type: string; title?: string }) =>
        a.type === "create-playlist" && a.title === "Unwatched Breaking Bad",
    );
    const smart = document.skipped.filter((s: { subject: string }) => s.subject === "Unwatched Breaking Bad");
    const unmatched = smart.find((s: { reason: string }) => s.reason === "unmatched-entries");
    expect((playlist?.itemIds.length ?? 0) + (unmatched?.count ?? 0)).toBe(entries.length);
    expect(smart.map((s: { reason: string }) => s.reason)).not.toContain("smart-membership-unknown");
    // Other accounts' ratings and positions are reported as unknown, never written.
    expect(JSON.stringify(document.skipped)).toContain("unknown-in-source");
  });

  it("combines the database with the API's smart membership (plex-db+api)", async () => {
    const out = await run(
      args(fixture().sandbox.url, TOKEN, ["--create-users", "--plex-db", fixture().databasePath]),
    );
    expectNoSecrets(out, TOKEN, API_KEY);
    expect([0, 2]).toContain(out.code);
    const document = JSON.parse(out.stdout);
    expect(document.plan.source.kind).toBe("plex-db+api");
    expect(
      document.plan.actions.find((a: { key: string }) => a.key === "collection/Recently Rated"),
    ).toBeDefined();
    const reasons = document.skipped
      .filter((s: { subject: string }) => s.subject === "Unwatched Breaking Bad")
      .map((s: { reason: string }) => s.reason);
    expect(reasons).not.toContain("smart-membership-unknown");
  });

  it("exits 4 with a clear message when Plex refuses the token", async () => {
    const bad = "wrong-token-9d8c7b6a5f4e";
    const out = await run(args(fixture().sandbox.url, bad));
    expect(out.code).toBe(4);
    expect(out.stderr).toContain(`the Plex server ${fixture().sandbox.url} refused the token`);
    expect(out.stderr).toContain("--plex-token");
    expectNoSecrets(out, bad, API_KEY);
  });

  it("exits 4 when the Plex server cannot be reached", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const out = await run(args(url, TOKEN));
    expect(out.code).toBe(4);
    expect(out.stderr).toContain(`cannot reach the Plex server ${url}`);
    expect(out.stderr).toContain("--plex-url");
    expectNoSecrets(out, TOKEN, API_KEY);
  });
});

describe("one server, one answer (issue 13 item 14)", () => {
  const maps = [
    ...DEMO_PATH_MAP.flatMap((m) => ["--path-map", `${m.from}=${m.to}`]),
    ...DEMO_USER_MAP.flatMap((m) => ["--user-map", `${m.from}=${m.to}`]),
    "--create-users",
  ];
  interface Doc {
    plan: {
      actions: Array<{ key: string; title?: string; user?: { name: string }; set?: Record<string, unknown> }>;
      limitations: string[];
    };
  }
  // User-data writes only: smart playlists differ on purpose (only the API knows their members).
  const actionsOf = (doc: Doc, user: string) =>
    doc.plan.actions
      .filter((a) => a.user?.name === user && a.set !== undefined)
      .map((a) => ({ key: a.key, title: a.title, set: a.set }));

  it("plans the owner the same through the API as from the database, and names the accounts it infers", async () => {
    const viaApi = await run(args(fixture().sandbox.url, TOKEN, maps));
    const viaDb = await run([
      "plan",
      "--json",
      "--plex-db",
      fixture().databasePath,
      "--plex-timezone",
      "UTC",
      "--target-url",
      jellyfin.url,
      "--target-api-key",
      API_KEY,
      ...maps,
    ]);
    expect([0, 2]).toContain(viaApi.code);
    expect([0, 2]).toContain(viaDb.code);
    const api: Doc = JSON.parse(viaApi.stdout);
    const db: Doc = JSON.parse(viaDb.stdout);
    // The owner's watch state is planned the same either way; Tenet, played once without a settings row, gets
    // a last-played date both ways and is never marked played.
    expect(actionsOf(api, "admin")).toEqual(actionsOf(db, "admin"));
    expect(actionsOf(api, "admin").find((a) => a.title === "Tenet (2020)")?.set).toEqual({
      lastPlayedAt: "2022-02-02T20:00:00.000Z",
    });
    // Where the API infers played state from plays, the plan says so and names the accounts;
    // the database plan has nothing to say.
    const said = api.plan.limitations.find((l) => l.startsWith("The played state of"));
    expect(said).toContain("3 account(s) (account-23456789, alex.friend, Kids)");
    expect(said).toContain("--plex-db reads Plex's own values");
    expect(db.plan.limitations.some((l) => l.startsWith("The played state of"))).toBe(false);
    // The friend's film marked played without a play is the difference it warns about.
    const bladeRunner = (doc: Doc) => actionsOf(doc, "Alex").find((a) => a.title === "Blade Runner (1982)");
    expect(bladeRunner(db)?.set).toMatchObject({ played: true, playCount: 1 });
    expect(bladeRunner(api)).toBeUndefined();
  });
});
