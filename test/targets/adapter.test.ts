import { afterEach, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/http/client.js";
import { EMPTY_USER_DATA, type TargetServerInfo } from "../../src/model/index.js";
import { embyDialect } from "../../src/targets/emby/dialect.js";
import { familyOf } from "../../src/targets/families.js";
import { jellyfinDialect } from "../../src/targets/jellyfin/dialect.js";
import { MediaBrowserAdapter } from "../../src/targets/mediabrowser/adapter.js";
import type { Dialect } from "../../src/targets/mediabrowser/dialect.js";
import { failure } from "../helpers/failure.js";
import { type Stub, type StubReply, type StubRequest, startStub } from "../helpers/stub-server.js";

const U = "0123456789abcdef0123456789abcdef";
const J_ITEM = "fedcba9876543210fedcba9876543210";
let stub: Stub | undefined;
let adapter: MediaBrowserAdapter | undefined;

afterEach(async () => {
  adapter?.close();
  await stub?.close();
});

async function setup(
  dialect: Dialect,
  handler: (r: StubRequest) => StubReply | Promise<StubReply>,
): Promise<MediaBrowserAdapter> {
  stub = await startStub(handler);
  const http = new HttpClient({
    service: familyOf(dialect.kind).service,
    baseUrl: stub.url,
    timeoutSeconds: 5,
    concurrency: 2,
    retry: { attempts: 1 },
  });
  const info: TargetServerInfo = {
    kind: dialect.kind,
    version: dialect.version,
    serverId: "s",
    serverName: "stub",
    url: stub.url,
    features: {
      userDataWrite: dialect.abilities.userDataWrite,
      privatePlaylists: dialect.abilities.privatePlaylists,
    },
  };
  adapter = new MediaBrowserAdapter(http, dialect, info);
  return adapter;
}

describe("setUserData", () => {
  it("Jellyfin 10.9+: sends only the given fields, in ticks and UTC ISO", async () => {
    let stored: Record<string, unknown> = {
      Played: true,
      PlayCount: 2,
      PlaybackPositionTicks: 0,
      IsFavorite: true,
    };
    const a = await setup(jellyfinDialect("10.10.7"), (r) => {
      if (r.method === "POST") stored = { ...stored, ...(r.body as object) };
      return { status: 200, body: stored };
    });
    const at = new Date("2024-01-02T03:04:05.678Z");
    const result = await a.setUserData(U, J_ITEM, { playCount: 4, positionMs: 1500, lastPlayedAt: at });
    const post = stub!.requests.find((r) => r.method === "POST")!;
    expect(post.path).toBe(`/UserItems/${J_ITEM}/UserData`);
    expect(post.query.get("userId")).toBe(U);
    expect(post.body).toEqual({
      PlayCount: 4,
      PlaybackPositionTicks: 15_000_000,
      LastPlayedDate: "2024-01-02T03:04:05.678Z",
    });
    expect(result).toMatchObject({
      played: true,
      playCount: 4,
      positionMs: 1500,
      isFavorite: true,
      lastPlayedAt: at,
    });
  });

  it("Jellyfin 10.8: refuses instead of calling a counter-incrementing route", async () => {
    const a = await setup(jellyfinDialect("10.8.13"), () => ({ status: 200, body: {} }));
    const error = await failure(a.setUserData(U, J_ITEM, { played: true }));
    expect(error.category).toBe("failed");
    expect(error.message).toMatch(/no absolute user-data write/);
    expect(stub!.requests).toHaveLength(0);
  });

  it("Emby: sends the full intended object built from a fresh read", async () => {
    let stored: Record<string, unknown> = { Played: true, PlayCount: 2, IsFavorite: true, Rating: 6 };
    const a = await setup(embyDialect("4.8.11.0"), (r) => {
      if (r.method === "POST") stored = r.body as Record<string, unknown>;
      return {
        status: r.method === "POST" ? 204 : 200,
        body: r.method === "POST" ? undefined : { Id: "5", UserData: stored },
      };
    });
    await a.setUserData(U, "5", { positionMs: 2000 });
    const post = stub!.requests.find((r) => r.method === "POST")!;
    expect(post.path).toBe(`/Users/${U}/Items/5/UserData`);
    expect(post.body).toEqual({
      Played: true,
      PlayCount: 2,
      PlaybackPositionTicks: 20_000_000,
      Rating: 6,
      IsFavorite: true,
    });
  });

  it("fails loudly when the server does not store what was asked", async () => {
    // A server that silently ignores PlayCount in writes.
    let stored: Record<string, unknown> = { Played: false, PlayCount: 0 };
    const a = await setup(embyDialect("4.9.3.0"), (r) => {
      if (r.method === "POST") stored = { ...(r.body as object), PlayCount: stored.PlayCount };
      return { status: 200, body: { Id: "5", UserData: stored } };
    });
    const error = await failure(a.setUserData(U, "5", { played: true, playCount: 3 }));
    expect(error.category).toBe("failed");
    expect(error.message).toMatch(/playCount asked 3, stored 0/);
  });

  it("checks only what it wrote: a series turning played beside a rating write is no failure (Jellyfin 12)", async () => {
    // Jellyfin 12 shows a series as played once its last episode is (observed on 12.0.0); that
    // episode may be written at the same moment as the series' rating.
    let stored: Record<string, unknown> = { Played: false, PlayCount: 0, IsFavorite: false };
    const a = await setup(jellyfinDialect("12.0.0"), (r) => {
      // The write's answer (the stored state, taken as the read-back) shows the series played.
      if (r.method === "POST") stored = { ...stored, ...(r.body as object), Played: true };
      return { status: 200, body: stored };
    });
    const result = await a.setUserData(U, J_ITEM, { rating: 10, isFavorite: true });
    expect(result).toMatchObject({ played: true, rating: 10, isFavorite: true });
  });

  it("Jellyfin: a written field the server did not keep is still a loud failure", async () => {
    const stored = { Played: false, PlayCount: 0, IsFavorite: false };
    const b = await setup(jellyfinDialect("12.0.0"), (r) => ({
      status: 200,
      body: r.method === "POST" ? {} : stored,
    }));
    expect((await failure(b.setUserData(U, J_ITEM, { isFavorite: true }))).message).toMatch(
      /isFavorite asked true, stored false/,
    );
  });

  it("clears a date and a rating through the DELETE routes, then restores the rest", async () => {
    let stored: Record<string, unknown> = {
      Played: true,
      PlayCount: 5,
      LastPlayedDate: "2020-01-01T00:00:00Z",
      Rating: 9,
      PlaybackPositionTicks: 10_000,
    };
    const a = await setup(jellyfinDialect("10.11.11"), (r) => {
      if (r.method === "DELETE" && r.path.startsWith("/UserPlayedItems/")) {
        stored = {
          ...stored,
          Played: false,
          PlayCount: 0,
          PlaybackPositionTicks: 0,
          LastPlayedDate: undefined,
        };
      } else if (r.method === "DELETE") stored = { ...stored, Rating: undefined };
      else if (r.method === "POST") stored = { ...stored, ...(r.body as object) };
      return { status: 200, body: stored };
    });
    const result = await a.setUserData(U, J_ITEM, { lastPlayedAt: null, rating: null });
    expect(result).toEqual({
      played: true,
      playCount: 5,
      lastPlayedAt: null,
      rating: null,
      positionMs: 1,
      isFavorite: false,
    });
    expect(stub!.requests.map((r) => `${r.method} ${r.path.split("/")[1]}`)).toEqual([
      "GET UserItems",
      "DELETE UserPlayedItems",
      "DELETE UserItems",
      // Jellyfin's write answers the stored state: no read-back.
      "POST UserItems",
    ]);
  });

  it("Emby: reads the state back after a write, whose answer is undocumented", async () => {
    let stored: Record<string, unknown> = { Played: false, PlayCount: 0 };
    const a = await setup(embyDialect("4.9.3.0"), (r) => {
      if (r.method === "POST") stored = { ...(r.body as object) };
      return { status: 200, body: r.method === "POST" ? "" : { Id: "5", UserData: stored } };
    });
    const current = {
      played: false,
      playCount: 0,
      lastPlayedAt: null,
      positionMs: 0,
      rating: null,
      isFavorite: false,
    };
    expect(await a.setUserData(U, "5", { played: true, playCount: 3 }, current)).toMatchObject({
      played: true,
      playCount: 3,
    });
    expect(stub!.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });
});

describe("sendUserData", () => {
  const current = EMPTY_USER_DATA;

  it("Emby: sends the write alone and leaves the read-back to the caller, who confirms with it", async () => {
    let stored: Record<string, unknown> = { Played: false, PlayCount: 0 };
    const a = await setup(embyDialect("4.10.1.0"), (r) => {
      if (r.method === "POST") stored = { ...(r.body as object) };
      return { status: 200, body: r.method === "POST" ? "" : { Id: "5", UserData: stored } };
    });
    expect(a.userDataReadBack).toBe(true);
    const sent = await a.sendUserData(U, "5", { played: true, playCount: 3 }, current);
    expect(sent.stored).toBeUndefined();
    expect(stub!.requests.map((r) => r.method)).toEqual(["POST"]);
    const read = { ...current, played: true, playCount: 3 };
    expect(sent.confirm!(read)).toBe(read);
    // A read that does not show the write is a loud failure naming the field.
    const error = await failure(Promise.resolve().then(() => sent.confirm!({ ...read, playCount: 1 })));
    expect(error.category).toBe("failed");
    expect(error.message).toMatch(/did not store the user data of item 5 .*playCount asked 3, stored 1/);
  });

  it("Jellyfin 10.9+: the write's answer is the stored state, checked at once", async () => {
    const a = await setup(jellyfinDialect("10.11.11"), (r) => ({
      status: 200,
      body: { Played: true, PlayCount: r.method === "POST" ? 3 : 0 },
    }));
    expect(a.userDataReadBack).toBe(false);
    const sent = await a.sendUserData(U, J_ITEM, { played: true, playCount: 3 }, current);
    expect(sent.stored).toMatchObject({ played: true, playCount: 3 });
    expect(stub!.requests.map((r) => r.method)).toEqual(["POST"]);

    const b = await setup(jellyfinDialect("10.11.11"), () => ({ status: 200, body: { PlayCount: 1 } }));
    const error = await failure(b.sendUserData(U, J_ITEM, { playCount: 3 }, current));
    expect(error.message).toMatch(/playCount asked 3, stored 1/);
  });
});

describe("users", () => {
  it("Emby: falls back from /Users/Query to /Users on 404", async () => {
    const a = await setup(embyDialect("4.7.5.0"), (r) =>
      r.path === "/Users/Query"
        ? { status: 404, body: "Not found" }
        : { status: 200, body: [{ Id: U, Name: "anna" }] },
    );
    expect(await a.listUsers()).toEqual([{ id: U, name: "anna", isAdmin: false }]);
  });

  it("Emby: removes a created user whose password could not be set, and never echoes the password", async () => {
    const a = await setup(embyDialect("4.8.11.0"), (r) => {
      if (r.path === "/Users/New") return { status: 200, body: { Id: U, Name: "anna" } };
      if (r.path.endsWith("/Password"))
        return { status: 400, body: `bad password ${JSON.stringify(r.body)}` };
      return { status: 204 };
    });
    const error = await failure(a.createUser("anna", "hunter2-secret"));
    expect(error.message).not.toContain("hunter2-secret");
    expect(stub!.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /Users/New",
      `POST /Users/${U}/Password`,
      `DELETE /Users/${U}`,
    ]);
  });

  it("creates users one at a time: Jellyfin numbers users made at once alike (observed on 12.0.0)", async () => {
    let inFlight = 0;
    let most = 0;
    let made = 0;
    const a = await setup(jellyfinDialect("12.0.0"), async (r) => {
      if (r.path !== "/Users/New") return { status: 204 };
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight -= 1;
      const name = (r.body as { Name: string }).Name;
      if (name === "refused") return { status: 400, body: "Error processing request." };
      made += 1;
      return { status: 200, body: { Id: `${U.slice(0, 31)}${made}`, Name: name } };
    });
    const results = await Promise.allSettled(
      ["anna", "refused", "bob", "carl"].map((name) => a.createUser(name, "pw")),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(most).toBe(1);
    expect(stub!.requests.map((r) => (r.body as { Name: string }).Name)).toEqual([
      "anna",
      "refused",
      "bob",
      "carl",
    ]);
  });

  it("refuses a name the server would refuse, before any request", async () => {
    const a = await setup(jellyfinDialect("10.10.7"), () => ({ status: 200, body: {} }));
    await failure(a.createUser("anna+bob", "pw"));
    expect(stub!.requests).toHaveLength(0);
  });
});

describe("item listings", () => {
  const LIB_MOVIES = "11111111111111111111111111111111";
  const LIB_MUSIC = "22222222222222222222222222222222";
  const ARTIST = "33333333333333333333333333333333";
  const MOVIE = "44444444444444444444444444444444";
  const SET = "55555555555555555555555555555555";

  it("state recursion, types, no box-set folding and order; an artist belongs to the music library", async () => {
    const a = await setup(jellyfinDialect("12.0.0"), (r) => {
      if (r.path === "/Library/VirtualFolders")
        return {
          status: 200,
          body: [
            { Name: "Films", CollectionType: "movies", ItemId: LIB_MOVIES },
            { Name: "Music", CollectionType: "music", ItemId: LIB_MUSIC },
          ],
        };
      const parent = r.query.get("parentId");
      // As Jellyfin 12 does: the artist is listed below every library.
      const items =
        parent === LIB_MOVIES
          ? [
              { Id: MOVIE, Name: "Heat", Type: "Movie" },
              { Id: ARTIST, Name: "Nils Frahm", Type: "MusicArtist" },
            ]
          : parent === LIB_MUSIC
            ? [{ Id: ARTIST, Name: "Nils Frahm", Type: "MusicArtist" }]
            : parent === SET
              ? [{ Id: MOVIE }]
              : [{ Id: SET, Name: "Heist" }];
      return { status: 200, body: { Items: items, TotalRecordCount: items.length } };
    });
    const index = await a.index();
    expect(index.items.map((item) => [item.title, item.libraryId])).toEqual([
      ["Heat", LIB_MOVIES],
      ["Nils Frahm", LIB_MUSIC],
    ]);
    expect(await a.listCollections()).toEqual([{ id: SET, title: "Heist", memberIds: [MOVIE] }]);
    const lists = stub!.requests.filter((r) => r.path === "/Items");
    expect(lists).toHaveLength(4);
    for (const list of lists) {
      expect(list.query.get("recursive"), list.query.toString()).toBe("true");
      expect(list.query.get("collapseBoxSetItems")).toBe("false");
      expect(list.query.get("sortBy")).toBe("SortName");
      expect(list.query.get("sortOrder")).toBe("Ascending");
      expect(list.query.get("includeItemTypes")).toBeTruthy();
    }
  });

  it("Emby: says GroupItemsIntoCollections=false instead", async () => {
    const a = await setup(embyDialect("4.10.1.0"), () => ({
      status: 200,
      body: { Items: [], TotalRecordCount: 0 },
    }));
    await a.listCollections();
    const list = stub!.requests.find((r) => r.path === "/Items")!;
    expect(list.query.get("GroupItemsIntoCollections")).toBe("false");
    expect(list.query.get("Recursive")).toBe("true");
    expect(list.query.get("SortBy")).toBe("SortName");
  });
});

describe("paging and collections", () => {
  it("fails loudly when the server ignores startIndex", async () => {
    const page = {
      Items: Array.from({ length: 1000 }, (_, n) => ({ Id: String(n) })),
      TotalRecordCount: 5000,
    };
    const a = await setup(embyDialect("4.8.11.0"), () => ({ status: 200, body: page }));
    const error = await failure(a.listCollections());
    expect(error.message).toMatch(/ignored paging/);
  });

  it("removes a collection again when adding its members fails", async () => {
    const a = await setup(jellyfinDialect("10.11.11"), (r) => {
      if (r.method === "POST" && r.path === "/Collections") return { status: 200, body: { Id: J_ITEM } };
      if (r.method === "POST") return { status: 400, body: "unknown item" };
      return { status: 204 };
    });
    await failure(a.createCollection("Heist", [U]));
    expect(stub!.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /Collections",
      `POST /Collections/${J_ITEM}/Items`,
      `DELETE /Items/${J_ITEM}`,
    ]);
  });
});
