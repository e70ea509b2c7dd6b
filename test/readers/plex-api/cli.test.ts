import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
