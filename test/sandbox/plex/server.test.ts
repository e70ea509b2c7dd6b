import { describe, expect, it } from "vitest";
import { startPlexSandbox } from "../../../src/sandbox/plex/index.js";
import { plexFixture, TOKEN } from "../../readers/plex-api/helpers.js";

/** The Plex personality's wire behaviour: auth, containers, paging by query or headers. */

const fixture = plexFixture();

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fixture().sandbox.url}${path}`, {
    headers: { Accept: "application/json", ...headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

describe("Plex sandbox", () => {
  it("answers 401 without a token and with a wrong one, 200 with the owner's (header or query)", async () => {
    expect((await get("/")).status).toBe(401);
    expect((await get("/", { "X-Plex-Token": "not-the-token" })).status).toBe(401);
    const byHeader = await get("/", { "X-Plex-Token": TOKEN });
    expect(byHeader.status).toBe(200);
    expect(JSON.parse(byHeader.text).MediaContainer.machineIdentifier).toBe(
      fixture().sandbox.machineIdentifier,
    );
    expect((await get(`/accounts?X-Plex-Token=${TOKEN}`)).status).toBe(200);
  });

  it("never logs the token", async () => {
    await get(`/library/sections?X-Plex-Token=${TOKEN}`);
    expect(JSON.stringify(fixture().sandbox.requests)).not.toContain(TOKEN);
  });

  it("lists the blank system account 0 first, as Plex does", async () => {
    const body = JSON.parse((await get("/accounts", { "X-Plex-Token": TOKEN })).text);
    expect(body.MediaContainer.Account[0]).toMatchObject({ id: 0, name: "" });
    expect(body.MediaContainer.Account.map((a: { id: number }) => a.id)).toContain(1);
  });

  it("pages with X-Plex-Container-Start/-Size as headers, with totalSize", async () => {
    const headers = { "X-Plex-Token": TOKEN, "X-Plex-Container-Start": "2", "X-Plex-Container-Size": "2" };
    const page = await get("/library/sections/1/all?type=1&includeGuids=1", headers);
    const container = JSON.parse(page.text).MediaContainer;
    expect(container).toMatchObject({ size: 2, totalSize: 6, offset: 2 });
    expect(container.Metadata.map((m: { ratingKey: string }) => m.ratingKey)).toEqual(["103", "104"]);
    expect(page.headers.get("x-plex-container-total-size")).toBe("6");
    // Ids are strings; Guid[] only with includeGuids=1.
    expect(typeof container.Metadata[0].ratingKey).toBe("string");
    const plain = JSON.parse((await get("/library/sections/1/all?type=1", { "X-Plex-Token": TOKEN })).text);
    expect(plain.MediaContainer.Metadata[0].Guid).toBeUndefined();
  });

  it("shows the owner's own state in listings, and the history without a ratingKey for gone media", async () => {
    const movies = JSON.parse((await get("/library/sections/1/all?type=1", { "X-Plex-Token": TOKEN })).text);
    const matrix = movies.MediaContainer.Metadata.find((m: { ratingKey: string }) => m.ratingKey === "101");
    expect(matrix).toMatchObject({
      viewCount: 3,
      userRating: 9,
      lastViewedAt: Date.parse("2023-05-01T20:15:00Z") / 1000,
    });
    const history = JSON.parse(
      (await get("/status/sessions/history/all?sort=viewedAt:asc", { "X-Plex-Token": TOKEN })).text,
    );
    const entries = history.MediaContainer.Metadata as Array<{ ratingKey?: string; viewedAt: number }>;
    // One play of a film that is no longer in any library: no usable ratingKey.
    expect(entries.filter((e) => e.ratingKey === undefined)).toHaveLength(1);
    expect(entries.map((e) => e.viewedAt)).toEqual([...entries.map((e) => e.viewedAt)].sort((a, b) => a - b));
  });

  it("serves smart playlists with their current members and 404s for others' playlists", async () => {
    const lists = JSON.parse((await get("/playlists", { "X-Plex-Token": TOKEN })).text).MediaContainer
      .Metadata;
    expect(lists.map((l: { ratingKey: string }) => l.ratingKey).sort()).toEqual(["701", "703"]);
    expect(lists.find((l: { ratingKey: string }) => l.ratingKey === "703")).toMatchObject({ smart: true });
    const items = JSON.parse((await get("/playlists/703/items", { "X-Plex-Token": TOKEN })).text);
    expect(items.MediaContainer.Metadata.map((m: { ratingKey: string }) => m.ratingKey)).toEqual(["305"]);
    expect((await get("/playlists/702/items", { "X-Plex-Token": TOKEN })).status).toBe(404);
  });
});

describe("Plex sandbox serving a database file (--library)", () => {
  const paths = [
    "/accounts",
    "/library/sections",
    "/library/sections/1/all?type=1&includeGuids=1",
    "/library/sections/3/all?type=4&includeGuids=1",
    "/library/sections/5/all?type=10&includeGuids=1",
    "/library/sections/1/collections",
    "/library/collections/602/children",
    "/playlists",
    "/playlists/703/items",
    "/status/sessions/history/all?sort=viewedAt:desc",
  ];

  it("answers exactly as it does from the scenario the file was written from", async () => {
    const fromFile = await startPlexSandbox({ databasePath: fixture().databasePath, token: TOKEN });
    try {
      for (const path of paths) {
        const read = async (url: string) =>
          (
            await fetch(`${url}${path}`, { headers: { Accept: "application/json", "X-Plex-Token": TOKEN } })
          ).json();
        expect(await read(fromFile.url), path).toEqual(await read(fixture().sandbox.url));
      }
    } finally {
      await fromFile.stop();
    }
  });
});
