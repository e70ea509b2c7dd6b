import { beforeAll, describe, expect, it } from "vitest";
import type { Snapshot, WatchState } from "../../../src/model/index.js";
import { openPlexApi } from "../../../src/readers/plex-api/index.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import { FRIEND, HISTORY_ONLY_ACCOUNT, MANAGED, REMOVED_FILM_GUID } from "../../../src/sample/index.js";
import { BLADE_RUNNER_GUID, plexFixture, TENET_GUID } from "./helpers.js";

/**
 * One fixture read through the database and through the sandbox's Plex personality. Everything
 * must agree except what the API cannot know, and each such difference is asserted on its own.
 */

const fixture = plexFixture();
let db: Snapshot;
let api: Snapshot;

const byKey = <T extends { key: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => Number(a.key) - Number(b.key));
const pair = (s: { userId: string; identity: string }) => `${s.userId} ${s.identity}`;
const sortPairs = <T extends { userId: string; identity: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => (pair(a) < pair(b) ? -1 : pair(a) > pair(b) ? 1 : 0));

beforeAll(async () => {
  const { databasePath, sandbox } = fixture();
  db = await openPlexDatabase(databasePath, { timeZone: "UTC" }).read();
  const reader = openPlexApi({ url: sandbox.url, token: sandbox.token, pageSize: 3 });
  try {
    api = await reader.read();
  } finally {
    reader.close();
  }
});

describe("the same fixture through the database and through the API", () => {
  it("names the source and the server", () => {
    expect(api.source.kind).toBe("plex-api");
    expect(api.source.serverId).toBe(fixture().sandbox.machineIdentifier);
    expect(api.source.serverName).toBe("Plex Sandbox");
  });

  it("has the same users; everyone but the owner has unknown positions, ratings and playlists and inferred watched state", () => {
    const plain = (s: Snapshot) => s.users.map(({ unknownFields: _, inferredFields: __, ...rest }) => rest);
    expect(plain(api)).toEqual(plain(db));
    expect(api.users.map((u) => u.id)).toContain(String(HISTORY_ONLY_ACCOUNT));
    for (const user of api.users) {
      expect(user.unknownFields).toEqual(user.isOwner ? [] : ["progress", "ratings", "playlists"]);
      expect(user.inferredFields).toEqual(user.isOwner ? [] : ["watched"]);
    }
    expect(db.users.every((u) => u.unknownFields.length === 0 && u.inferredFields.length === 0)).toBe(true);
  });

  it("has the same libraries and items, with the same external ids, files and numbers", () => {
    expect(api.libraries).toEqual(db.libraries);
    expect(byKey(api.items)).toEqual(byKey(db.items));
    const matrix = api.items.find((i) => i.key === "101")!;
    expect(matrix.externalIds).toEqual({ imdb: "tt0133093", tmdb: "603", tvdb: "169" });
    const office = api.items.find((i) => i.key === "312")!;
    expect(office.showExternalIds).toEqual({ tvdb: "73244" });
  });

  it("has the same history, except plays of media that is gone, which are counted and reported", () => {
    const identities = new Set(db.items.map((i) => i.identity));
    expect(sortPairs(api.history)).toEqual(sortPairs(db.history.filter((h) => identities.has(h.identity))));
    expect(db.history.some((h) => h.identity === REMOVED_FILM_GUID)).toBe(true);
    expect(api.historyEventCount).toBe(db.historyEventCount);
    expect(api.warnings.find((w) => w.code === "history-unresolved")?.message).toMatch(/^1 history entr/);
  });

  it("gives the owner exactly the database's state, last played falling back to the history", () => {
    const owner = (s: Snapshot) => sortPairs(s.states.filter((state) => state.userId === "1"));
    expect(owner(api)).toEqual(owner(db));
    // Issue 13 item 14: a play with no settings row is a dated play, not a state, both ways;
    // the planner dates the last play from it and never counts it as played.
    for (const s of [api, db]) {
      expect(s.states.find((state) => state.userId === "1" && state.identity === TENET_GUID)).toBeUndefined();
      expect(s.history.find((h) => h.userId === "1" && h.identity === TENET_GUID)).toMatchObject({
        plays: 1,
        lastViewedAt: new Date("2022-02-02T20:00:00Z"),
      });
    }
    const casablanca = api.states.find((s) => s.userId === "1" && s.identity.includes("tt0034583"))!;
    expect(casablanca.lastPlayedAt).toEqual(new Date("2019-12-24T16:00:00Z"));
    expect(casablanca.played).toBe(false);
    // The orphaned settings row has no item through the API either; it is simply not there.
    expect(db.orphanedStateCount).toBe(1);
    expect(api.orphanedStateCount).toBe(0);
  });

  it("derives other accounts' state from their history alone", () => {
    const identities = new Set(db.items.map((i) => i.identity));
    const expected: WatchState[] = db.history
      .filter((h) => h.userId !== "1" && identities.has(h.identity))
      .map((h) => ({
        userId: h.userId,
        identity: h.identity,
        played: true,
        playCount: h.plays,
        lastPlayedAt: h.lastViewedAt,
        positionMs: 0,
        rating: null,
        ratedAt: null,
      }));
    expect(sortPairs(api.states.filter((s) => s.userId !== "1"))).toEqual(sortPairs(expected));
  });

  it("differs from the database only where the API cannot know, case by case", () => {
    const find = (s: Snapshot, user: number, guidPart: string) =>
      s.states.find((state) => state.userId === String(user) && state.identity.includes(guidPart));
    // The managed user's resume position on The Office 1x2: only in the database.
    expect(find(db, MANAGED, "73244/1/2")?.positionMs).toBe(600_000);
    expect(find(api, MANAGED, "73244/1/2")).toBeUndefined();
    // The managed user's rating of The Matrix: only in the database.
    expect(find(db, MANAGED, "5d7768ba96b655001fdc0408")?.rating).toBe(7);
    expect(find(api, MANAGED, "5d7768ba96b655001fdc0408")).toBeUndefined();
    // Paranoid Android: view_count 4 in the database, one play in the history.
    expect(find(db, MANAGED, "f87b62")?.playCount).toBe(4);
    expect(find(api, MANAGED, "f87b62")?.playCount).toBe(1);
    // Issue 13 item 14: other accounts' played flags are Plex's own in the database and inferred
    // from plays through the API, which every such account declares (inferredFields: watched).
    // A play without a settings row: not played in the database, played through the API.
    expect(find(db, HISTORY_ONLY_ACCOUNT, "5d7768ba96b655001fdc0408")).toBeUndefined();
    expect(find(api, HISTORY_ONLY_ACCOUNT, "5d7768ba96b655001fdc0408")?.played).toBe(true);
    // Marked played without a play (PMS 1.40+ records none): played in the database only.
    expect(find(db, FRIEND, BLADE_RUNNER_GUID)).toMatchObject({ played: true, playCount: 1 });
    expect(find(api, FRIEND, BLADE_RUNNER_GUID)).toBeUndefined();
    const inferred = (s: Snapshot, id: number) => s.users.find((u) => u.id === String(id))?.inferredFields;
    for (const id of [HISTORY_ONLY_ACCOUNT, FRIEND]) {
      expect(inferred(api, id)).toEqual(["watched"]);
      expect(inferred(db, id)).toEqual([]);
    }
    // The friend's plays agree both ways.
    expect(find(api, FRIEND, "tt0034583")).toMatchObject({ played: true, playCount: 1 });
    expect(find(db, FRIEND, "tt0034583")).toMatchObject({ played: true, playCount: 1 });
  });

  it("has the owner's playlists with the same entries, and smart ones with their current members", () => {
    const owners = db.playlists.filter((p) => p.ownerUserId === "1" && !p.isSmart);
    expect(byKey(api.playlists.filter((p) => !p.isSmart))).toEqual(byKey(owners));
    expect(api.playlists.find((p) => p.key === "701")?.entries).toEqual(["101", "103", "101", "303"]);
    const smartDb = db.playlists.find((p) => p.key === "703")!;
    const smartApi = api.playlists.find((p) => p.key === "703")!;
    expect(smartDb).toMatchObject({ isSmart: true, entries: null });
    expect(smartApi).toMatchObject({ isSmart: true, entries: ["305"], ownerUserId: "1" });
    // Another account's playlist is not visible to the owner's token.
    expect(db.playlists.some((p) => p.ownerUserId === String(MANAGED))).toBe(true);
    expect(api.playlists.some((p) => p.ownerUserId !== "1")).toBe(false);
  });

  it("has the same collections, smart ones with the membership only the API knows", () => {
    expect(api.collections.find((c) => c.key === "601")).toEqual(db.collections.find((c) => c.key === "601"));
    expect(db.collections.find((c) => c.key === "602")).toMatchObject({ isSmart: false, memberKeys: [] });
    expect(api.collections.find((c) => c.key === "602")).toMatchObject({
      isSmart: true,
      memberKeys: ["105", "101"],
    });
  });

  it("pages every list: no request asked for more than the page size, and lists took several pages", () => {
    const { requests } = fixture().sandbox;
    const listed = requests.filter((r) => r.query["X-Plex-Container-Size"] !== undefined);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((r) => r.query["X-Plex-Container-Size"] === "3")).toBe(true);
    const moviePages = listed.filter((r) => r.path === "/library/sections/1/all" && r.query.type === "1");
    // Six movies in pages of three: starts 0 and 3, then done at totalSize.
    expect(moviePages.map((r) => r.query["X-Plex-Container-Start"])).toEqual(["0", "3"]);
    const historyPages = listed.filter((r) => r.path === "/status/sessions/history/all");
    expect(historyPages.length).toBe(Math.ceil(db.historyEventCount / 3));
    expect(listed.every((r) => r.query.includeGuids === undefined || r.query.includeGuids === "1")).toBe(
      true,
    );
  });
});
