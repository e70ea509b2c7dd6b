import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { call, sandbox, userId } from "./helpers.js";

/** target-apis §12.6 and §12.7: playlists keep duplicates and take a position; item collections. */

interface Page {
  Items: Record<string, unknown>[];
  TotalRecordCount: number;
}

async function entries(box: Sandbox, playlist: string, user: string): Promise<Page["Items"]> {
  return ((await call(box, "GET", `/Playlists/${playlist}/Items?userId=${user}`)).body as Page).Items;
}

const refsOf = (box: Sandbox, items: Page["Items"], refs: string[]) => {
  const byId = new Map(refs.map((ref) => [box.idOf(ref), ref]));
  return items.map((item) => byId.get(String(item.Id)) ?? String(item.Id));
};

describe("jellyfin@12.0 playlists", () => {
  const REFS = ["heat", "arrival", "shawshank", "expanse-s1e1"];

  it("keeps duplicates on create and on add; 10.11 drops them", async () => {
    for (const version of ["10.11", "12.0"] as const) {
      const box = await sandbox({ kind: "jellyfin", version });
      const bob = await userId(box, "bob");
      const [heat, arrival] = [box.idOf("heat"), box.idOf("arrival")];
      const created = await call(box, "POST", "/Playlists", {
        body: { Name: "Twice", Ids: [heat, arrival, heat], UserId: bob, IsPublic: false },
      });
      const id = (created.body as { Id: string }).Id;
      expect((await call(box, "POST", `/Playlists/${id}/Items?ids=${arrival}&userId=${bob}`)).status).toBe(
        204,
      );
      const expected = version === "12.0" ? ["heat", "arrival", "heat", "arrival"] : ["heat", "arrival"];
      expect(refsOf(box, await entries(box, id, bob), REFS)).toEqual(expected);
      expect(
        box
          .dump()
          .playlists.find((p) => p.id === id)!
          .entries.map((e) => e.ref),
      ).toEqual(expected);
      expect(box.violations).toEqual([]);
    }
  });

  it("inserts at position (≤0 the front, past the end the end); 10.11 ignores the parameter", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const bob = await userId(box, "bob");
    const created = await call(box, "POST", "/Playlists", {
      body: { Name: "Ordered", Ids: [box.idOf("heat"), box.idOf("arrival")], UserId: bob, IsPublic: false },
    });
    const id = (created.body as { Id: string }).Id;
    const add = (ref: string, position: number) =>
      call(box, "POST", `/Playlists/${id}/Items?ids=${box.idOf(ref)}&userId=${bob}&position=${position}`);
    expect((await add("shawshank", 1)).status).toBe(204);
    expect(refsOf(box, await entries(box, id, bob), REFS)).toEqual(["heat", "shawshank", "arrival"]);
    await add("expanse-s1e1", -3);
    await add("heat", 99);
    expect(refsOf(box, await entries(box, id, bob), REFS)).toEqual([
      "expanse-s1e1",
      "heat",
      "shawshank",
      "arrival",
      "heat",
    ]);
    expect(box.violations).toEqual([]);

    const old = await sandbox({ kind: "jellyfin", version: "10.11" });
    const oldBob = await userId(old, "bob");
    const oldId = (
      (
        await call(old, "POST", "/Playlists", {
          body: { Name: "Ordered", Ids: [old.idOf("heat")], UserId: oldBob, IsPublic: false },
        })
      ).body as { Id: string }
    ).Id;
    await call(
      old,
      "POST",
      `/Playlists/${oldId}/Items?ids=${old.idOf("arrival")}&userId=${oldBob}&position=0`,
    );
    expect(refsOf(old, await entries(old, oldId, oldBob), REFS)).toEqual(["heat", "arrival"]);
    expect(old.violations).toEqual([
      'POST /Playlists/{playlistId}/Items: query parameter "position" is not part of the operation (the server ignores it)',
    ]);
  });

  it("PlaylistItemId is the item id, so removing it removes every entry of that item", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const bob = await userId(box, "bob");
    const [heat, arrival] = [box.idOf("heat"), box.idOf("arrival")];
    const created = await call(box, "POST", "/Playlists", {
      body: { Name: "Twice", Ids: [heat, arrival, heat], UserId: bob, IsPublic: false },
    });
    const id = (created.body as { Id: string }).Id;
    const listed = await entries(box, id, bob);
    expect(listed.map((item) => item.PlaylistItemId)).toEqual([heat, arrival, heat]);
    expect(listed.every((item) => item.PlaylistItemId === item.Id)).toBe(true);
    expect((await call(box, "DELETE", `/Playlists/${id}/Items?entryIds=${heat}`)).status).toBe(204);
    expect(refsOf(box, await entries(box, id, bob), REFS)).toEqual(["arrival"]);
    expect(box.violations).toEqual([]);
  });

  it("a JSON body without IsPublic makes a public playlist; IsPublic false or the query form a private one", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const [alice, bob] = [await userId(box, "alice"), await userId(box, "bob")];
    const heat = box.idOf("heat");
    await call(box, "POST", "/Playlists", { body: { Name: "Open", Ids: [heat], UserId: bob } });
    await call(box, "POST", "/Playlists", {
      body: { Name: "Closed", Ids: [heat], UserId: bob, IsPublic: false },
    });
    await call(box, "POST", `/Playlists?name=Query&ids=${heat}&userId=${bob}`);
    const seenBy = async (user: string) =>
      (
        (await call(box, "GET", `/Items?userId=${user}&recursive=true&includeItemTypes=Playlist`))
          .body as Page
      ).Items.map((item) => item.Name);
    expect(await seenBy(alice)).toEqual(["Alice favourites", "Open"]);
    expect(await seenBy(bob)).toEqual(["Open", "Closed", "Query"]);
    expect(box.violations).toEqual([]);
  });

  it("a body without Name is refused (400), as CreatePlaylistDto requires it", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const bob = await userId(box, "bob");
    const answer = await call(box, "POST", "/Playlists", { body: { Ids: [box.idOf("heat")], UserId: bob } });
    expect(answer.status).toBe(400);
  });
});

describe("jellyfin@12.0 GET /Items/{itemId}/Collections", () => {
  it("lists the collections holding an item, for the given user or the caller", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const bob = await userId(box, "bob");
    const heat = box.idOf("heat");
    await call(box, "POST", `/Collections?name=Crime&ids=${heat},${box.idOf("arrival")}`);
    const page = (await call(box, "GET", `/Items/${heat}/Collections?userId=${bob}`)).body as Page;
    expect(page.Items.map((item) => [item.Name, item.Type])).toEqual([
      ["Heist films", "BoxSet"],
      ["Crime", "BoxSet"],
    ]);
    expect(page.TotalRecordCount).toBe(2);
    const second = (await call(box, "GET", `/Items/${heat}/Collections?userId=${bob}&startIndex=1&limit=1`))
      .body as Page;
    expect(second).toMatchObject({ TotalRecordCount: 2, Items: [{ Name: "Crime" }] });
    const none = (await call(box, "GET", `/Items/${box.idOf("shawshank")}/Collections?userId=${bob}`))
      .body as Page;
    expect(none.TotalRecordCount).toBe(0);
    const token = (
      (
        await call(box, "POST", "/Users/AuthenticateByName", {
          token: null,
          headers: { Authorization: 'MediaBrowser Client="t", Device="d", DeviceId="x", Version="1"' },
          body: { Username: "alice", Pw: "alice" },
        })
      ).body as { AccessToken: string }
    ).AccessToken;
    expect(
      ((await call(box, "GET", `/Items/${heat}/Collections`, { token })).body as Page).TotalRecordCount,
    ).toBe(2);
    expect(box.violations).toEqual([]);
  });

  it("needs a user: an API key without userId gets 401; an unknown item 404", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const bob = await userId(box, "bob");
    expect((await call(box, "GET", `/Items/${box.idOf("heat")}/Collections`)).status).toBe(401);
    const unknown = await call(
      box,
      "GET",
      `/Items/0123456789abcdef0123456789abcdef/Collections?userId=${bob}`,
    );
    expect(unknown.status).toBe(404);
    expect(box.violations).toEqual([]);
  });

  it("does not exist before 12.0", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.11" });
    const bob = await userId(box, "bob");
    expect((await call(box, "GET", `/Items/${box.idOf("heat")}/Collections?userId=${bob}`)).status).toBe(404);
  });
});
