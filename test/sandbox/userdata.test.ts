import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { call, EMBY, JELLYFIN, login, sandbox, userId } from "./helpers.js";

/** target-apis §5.2 (Jellyfin) and §5.3 (Emby): the user-data state machine. */

const FIXED_NOW = new Date("2025-01-02T03:04:05.000Z");
type Data = Record<string, unknown>;

const modern = (version: string) => version !== "10.8";

/** Per-version routes for one user and item. */
function routes(box: Sandbox, user: string, item: string) {
  const legacy = box.kind === "emby" || box.version === "10.8";
  return {
    played: legacy ? `/Users/${user}/PlayedItems/${item}` : `/UserPlayedItems/${item}?userId=${user}`,
    favorite: legacy ? `/Users/${user}/FavoriteItems/${item}` : `/UserFavoriteItems/${item}?userId=${user}`,
    rating: legacy ? `/Users/${user}/Items/${item}/Rating` : `/UserItems/${item}/Rating?userId=${user}`,
    userData:
      box.kind === "emby"
        ? `/Users/${user}/Items/${item}/UserData`
        : `/UserItems/${item}/UserData?userId=${user}`,
    item: legacy ? `/Users/${user}/Items/${item}` : `/Items/${item}?userId=${user}`,
  };
}

const sep = (path: string) => (path.includes("?") ? "&" : "?");

async function readData(box: Sandbox, user: string, item: string): Promise<Data> {
  const answer = await call(box, "GET", routes(box, user, item).item);
  expect(answer.status).toBe(200);
  return (answer.body as { UserData: Data }).UserData;
}

describe.each(JELLYFIN)("jellyfin@$version mark played / unplayed", ({ kind, version }) => {
  it("increments PlayCount on every call with a date, keeps it at ≥1 without one, and zeroes the position", async () => {
    const box = await sandbox({ kind, version, now: () => FIXED_NOW });
    const bob = await userId(box, "bob");
    const heat = box.idOf("heat");
    const r = routes(box, bob, heat);
    const first = await call(box, "POST", `${r.played}${sep(r.played)}datePlayed=2024-03-01T10:00:00Z`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      Played: true,
      PlayCount: 1,
      LastPlayedDate: "2024-03-01T10:00:00.0000000Z",
    });
    const second = await call(box, "POST", `${r.played}${sep(r.played)}datePlayed=20240302110000`);
    expect(second.body).toMatchObject({ PlayCount: 2, LastPlayedDate: "2024-03-02T11:00:00.0000000Z" });
    const undated = await call(box, "POST", r.played);
    expect(undated.body).toMatchObject({ PlayCount: 2, Played: true, PlaybackPositionTicks: 0 });
    // LastPlayedDate without a date: now on 10.8, the existing date on 10.9+.
    expect((undated.body as Data).LastPlayedDate).toBe(
      modern(version) ? "2024-03-02T11:00:00.0000000Z" : "2025-01-02T03:04:05.0000000Z",
    );
    expect(box.dump().userData.bob?.[heat]).toMatchObject({ playCount: 2, played: true, ref: "heat" });
    expect(box.violations).toEqual([]);
  });

  it("mark played resets a resume position; DELETE resets count, position and date", async () => {
    const box = await sandbox({ kind, version, now: () => FIXED_NOW });
    const alice = await userId(box, "alice");
    const arrival = box.idOf("arrival");
    const r = routes(box, alice, arrival);
    if (modern(version)) {
      const set = await call(box, "POST", r.userData, { body: { PlaybackPositionTicks: 12_000_000 } });
      expect(set.body).toMatchObject({ PlaybackPositionTicks: 12_000_000, Played: false, PlayCount: 0 });
      const played = await call(box, "POST", r.played);
      expect(played.body).toMatchObject({ PlaybackPositionTicks: 0, PlayCount: 1, Played: true });
      expect((played.body as Data).LastPlayedDate).toBe("2025-01-02T03:04:05.0000000Z");
    } else {
      await call(box, "POST", r.played);
    }
    const cleared = await call(box, "DELETE", r.played);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ Played: false, PlayCount: 0, PlaybackPositionTicks: 0 });
    expect(cleared.body).not.toHaveProperty("LastPlayedDate");
    expect(box.violations).toEqual([]);
  });

  it("unknown item: 500 on 10.8 (NullReferenceException), 404 ProblemDetails on 10.9+", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const answer = await call(box, "POST", routes(box, bob, "0123456789abcdef0123456789abcdef").played);
    if (modern(version)) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      expect(answer.body).toMatchObject({ status: 404, title: "Not Found" });
    } else {
      expect(answer.status).toBe(500);
      expect(answer.text).toBe("Error processing request.");
    }
  });

  it("favorite sets IsFavorite only; Likes couple to Rating 10/1 and DELETE clears it", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const heat = box.idOf("heat");
    const r = routes(box, bob, heat);
    expect((await call(box, "POST", r.favorite)).body).toMatchObject({
      IsFavorite: true,
      Played: false,
      PlayCount: 0,
    });
    expect((await call(box, "POST", `${r.rating}${sep(r.rating)}likes=true`)).body).toMatchObject({
      Rating: 10,
      Likes: true,
    });
    expect((await call(box, "POST", `${r.rating}${sep(r.rating)}likes=false`)).body).toMatchObject({
      Rating: 1,
      Likes: false,
    });
    const cleared = await call(box, "DELETE", r.rating);
    expect(cleared.body).not.toHaveProperty("Rating");
    expect(cleared.body).not.toHaveProperty("Likes");
    expect((await call(box, "DELETE", r.favorite)).body).toMatchObject({ IsFavorite: false });
    expect(box.violations).toEqual([]);
  });

  it("a non-admin user cannot touch another user's data (403)", async () => {
    const box = await sandbox({ kind, version });
    const admin = await userId(box, "admin");
    const token = await login(box, "alice", "alice");
    const answer = await call(box, "POST", routes(box, admin, box.idOf("heat")).played, { token });
    expect(answer.status).toBe(403);
    const own = await call(box, "POST", routes(box, await userId(box, "alice"), box.idOf("heat")).favorite, {
      token,
    });
    expect(own.status).toBe(200);
  });
});

describe.each(JELLYFIN.filter((p) => modern(p.version)))(
  "jellyfin@$version UpdateUserItemData",
  ({ kind, version }) => {
    it("merges only the given fields, without side effects", async () => {
      const box = await sandbox({ kind, version });
      const alice = await userId(box, "alice");
      const shawshank = box.idOf("shawshank");
      const r = routes(box, alice, shawshank);
      const before = await readData(box, alice, shawshank);
      expect(before).toMatchObject({
        Played: true,
        PlayCount: 2,
        LastPlayedDate: "2023-05-01T20:00:00.0000000Z",
      });
      const answer = await call(box, "POST", r.userData, {
        body: { PlaybackPositionTicks: 5_000, IsFavorite: true },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        Played: true,
        PlayCount: 2,
        LastPlayedDate: "2023-05-01T20:00:00.0000000Z",
        PlaybackPositionTicks: 5_000,
        IsFavorite: true,
      });
      const absolute = await call(box, "POST", r.userData, {
        body: { Played: true, PlayCount: 7, LastPlayedDate: "2022-02-02T02:02:02Z", rating: 8.5 },
      });
      expect(absolute.body).toMatchObject({
        PlayCount: 7,
        LastPlayedDate: "2022-02-02T02:02:02.0000000Z",
        Rating: 8.5,
        Likes: true,
      });
      // Same state again: idempotent (no increment).
      const again = await call(box, "POST", r.userData, { body: { Played: true, PlayCount: 7 } });
      expect(again.body).toMatchObject({ PlayCount: 7 });
      expect((await call(box, "GET", r.userData)).body).toMatchObject({
        PlayCount: 7,
        PlaybackPositionTicks: 5_000,
      });
      expect(box.violations).toEqual([]);
    });

    it("rejects a Rating outside 0–10 with 400 text/plain; Rating wins over Likes", async () => {
      const box = await sandbox({ kind, version });
      const bob = await userId(box, "bob");
      const r = routes(box, bob, box.idOf("heat"));
      const bad = await call(box, "POST", r.userData, { body: { Rating: 11 } });
      expect(bad.status).toBe(400);
      expect(bad.headers.get("content-type")).toContain("text/plain");
      const both = await call(box, "POST", r.userData, { body: { Likes: true, Rating: 3 } });
      expect(both.body).toMatchObject({ Rating: 3, Likes: false });
    });

    it("also answers the hidden legacy routes, validated against the documented operation", async () => {
      const box = await sandbox({ kind, version });
      const bob = await userId(box, "bob");
      const heat = box.idOf("heat");
      const hidden = await call(box, "POST", `/Users/${bob}/Items/${heat}/UserData`, {
        body: { PlayCount: 3, Played: true },
      });
      expect(hidden.body).toMatchObject({ PlayCount: 3, Played: true });
      const legacyPlayed = await call(
        box,
        "POST",
        `/Users/${bob}/PlayedItems/${heat}?datePlayed=2024-01-01T00:00:00Z`,
      );
      expect(legacyPlayed.body).toMatchObject({ PlayCount: 4 });
      expect(box.violations).toEqual([]);
    });

    it("rejects a body with a wrongly typed field (400 ValidationProblemDetails)", async () => {
      const box = await sandbox({ kind, version });
      const bob = await userId(box, "bob");
      const answer = await call(box, "POST", routes(box, bob, box.idOf("heat")).userData, {
        body: { PlayCount: "many" },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ status: 400, title: "One or more validation errors occurred." });
      expect(box.violations.length).toBeGreaterThan(0);
    });
  },
);

describe("jellyfin@10.8 has no user-data write", () => {
  it("answers 404 to UserData routes", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.8" });
    const bob = await userId(box, "bob");
    const heat = box.idOf("heat");
    expect(
      (await call(box, "POST", `/UserItems/${heat}/UserData?userId=${bob}`, { body: { PlayCount: 1 } }))
        .status,
    ).toBe(404);
    expect(
      (await call(box, "POST", `/Users/${bob}/Items/${heat}/UserData`, { body: { PlayCount: 1 } })).status,
    ).toBe(404);
    expect(box.violations.every((v) => v.includes("no such route"))).toBe(true);
  });
});

describe("shared user-data keys", () => {
  const twins = {
    users: [{ name: "admin", admin: true }],
    libraries: [
      {
        name: "Movies",
        collectionType: "movies" as const,
        items: [
          { ref: "a", type: "Movie" as const, name: "Film", providerIds: { Imdb: "tt1" }, path: "/m/a.mkv" },
          {
            ref: "b",
            type: "Movie" as const,
            name: "Film (copy)",
            providerIds: { Imdb: "tt1" },
            path: "/m/b.mkv",
          },
        ],
      },
    ],
  };
  it.each([
    ["10.10", true],
    ["10.11", false],
  ])("jellyfin@%s: items sharing an IMDb id share state = %s", async (version, shared) => {
    const box = await sandbox({ kind: "jellyfin", version, library: twins });
    const admin = await userId(box, "admin");
    await call(box, "POST", `/UserPlayedItems/${box.idOf("a")}?userId=${admin}`);
    expect((await readData(box, admin, box.idOf("b"))).Played).toBe(shared);
  });
});

describe.each(EMBY)("emby@$version user data", ({ kind, version }) => {
  it("marks played with DatePlayed yyyyMMddHHmmss and resets with DELETE", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const heat = box.idOf("heat");
    const r = routes(box, bob, heat);
    const played = await call(box, "POST", `${r.played}?DatePlayed=20240301100000`);
    expect(played.status).toBe(200);
    expect(played.body).toMatchObject({
      Played: true,
      PlayCount: 1,
      LastPlayedDate: "2024-03-01T10:00:00.0000000Z",
    });
    expect(played.body).not.toHaveProperty("Likes");
    const cleared = await call(box, "DELETE", r.played);
    expect(cleared.body).toMatchObject({ Played: false, PlayCount: 0 });
    expect(box.violations).toEqual([]);
  });

  it("UserData POST merges the given fields and answers 200 with no body (read back instead)", async () => {
    const box = await sandbox({ kind, version });
    const alice = await userId(box, "alice");
    const shawshank = box.idOf("shawshank");
    const answer = await call(box, "POST", routes(box, alice, shawshank).userData, {
      body: { PlaybackPositionTicks: 9_000, Rating: 7 },
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("");
    expect(await readData(box, alice, shawshank)).toMatchObject({
      Played: true,
      PlayCount: 2,
      PlaybackPositionTicks: 9_000,
      Rating: 7,
      LastPlayedDate: "2023-05-01T20:00:00.0000000Z",
    });
    expect(box.violations).toEqual([]);
  });

  it("hides PlayCount and LastPlayedDate in list UserData unless Fields asks for them", async () => {
    const box = await sandbox({ kind, version });
    const alice = await userId(box, "alice");
    const base = `/Users/${alice}/Items?Recursive=true&IncludeItemTypes=Movie&Ids=${box.idOf("shawshank")}`;
    const hidden = (await call(box, "GET", base)).body as { Items: { UserData: Data }[] };
    expect(hidden.Items[0]?.UserData).toMatchObject({ Played: true, PlayCount: 0 });
    expect(hidden.Items[0]?.UserData).not.toHaveProperty("LastPlayedDate");
    const shown = (await call(box, "GET", `${base}&Fields=UserDataPlayCount,UserDataLastPlayedDate`))
      .body as {
      Items: { UserData: Data }[];
    };
    expect(shown.Items[0]?.UserData).toMatchObject({
      PlayCount: 2,
      LastPlayedDate: "2023-05-01T20:00:00.0000000Z",
    });
    expect((await readData(box, alice, box.idOf("shawshank"))).PlayCount).toBe(2);
  });
});

describe("jellyfin body binding", () => {
  it("reads numbers written as strings and camelCase keys, as System.Text.Json does", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.10" });
    const bob = await userId(box, "bob");
    const answer = await call(box, "POST", `/UserItems/${box.idOf("heat")}/UserData?userId=${bob}`, {
      body: { playCount: "3", played: true },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ PlayCount: 3, Played: true });
    expect(box.violations).toEqual([]);
  });
});

describe.each([...JELLYFIN, ...EMBY])("$kind@$version folder marks", ({ kind, version }) => {
  it("marking a season played marks every episode in it; unplayed clears them", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const r = routes(box, bob, box.idOf("expanse-s2"));
    expect((await call(box, "POST", r.played)).status).toBe(200);
    const played = Object.values(box.dump().userData.bob ?? {})
      .filter((d) => d.played)
      .map((d) => d.ref);
    expect(played).toEqual(expect.arrayContaining(["expanse-s2", "expanse-s2e1", "expanse-s2e2"]));
    expect(played).not.toContain("expanse-s1e1");
    await call(box, "DELETE", r.played);
    expect(Object.values(box.dump().userData.bob ?? {}).filter((d) => d.played)).toEqual([]);
  });
});
