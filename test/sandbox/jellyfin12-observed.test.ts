import { describe, expect, it } from "vitest";
import { call, sandbox, userId } from "./helpers.js";

/**
 * What a real Jellyfin 12.0.0 (built from v12.0-rc5, 6d501ba418) did where the sandbox had
 * guessed otherwise; docs/targets.md lists each observation. Every case also runs on 10.11, whose
 * behaviour stays as it was.
 */

interface Page {
  Items: Record<string, unknown>[];
  TotalRecordCount: number;
}

const VERSIONS = ["10.11", "12.0"] as const;

describe("jellyfin@12.0 as observed on a real 12.0.0", () => {
  it("keeps exception messages to itself: 400/500 say only 'Error processing request.'", async () => {
    for (const version of VERSIONS) {
      const box = await sandbox({ kind: "jellyfin", version });
      const duplicate = await call(box, "POST", "/Users/New", { body: { Name: "bob" } });
      expect(duplicate.status).toBe(400);
      expect(duplicate.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(duplicate.text).toBe(
        version === "12.0" ? "Error processing request." : "A user with the name 'bob' already exists.",
      );
      expect(box.violations).toEqual([]);
    }
  });

  it("answers a wrong key with an empty 401: no content type, no WWW-Authenticate", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const answer = await call(box, "GET", "/Users", { token: "wrong" });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe("");
    expect(answer.headers.get("content-type")).toBeNull();
    expect(answer.headers.get("www-authenticate")).toBeNull();
  });

  it("gives 404 'Playlist not found' (a JSON string) to a user adding to a playlist they cannot see", async () => {
    for (const version of VERSIONS) {
      const box = await sandbox({ kind: "jellyfin", version });
      const [alice, bob] = [await userId(box, "alice"), await userId(box, "bob")];
      const created = await call(box, "POST", "/Playlists", {
        body: { Name: "Private", Ids: [box.idOf("heat")], UserId: alice, IsPublic: false },
      });
      const id = (created.body as { Id: string }).Id;
      const answer = await call(
        box,
        "POST",
        `/Playlists/${id}/Items?ids=${box.idOf("arrival")}&userId=${bob}`,
      );
      expect(answer.status).toBe(404);
      if (version === "12.0") {
        expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
        expect(answer.body).toBe("Playlist not found");
      }
    }
  });

  it("adds nothing and answers 204 for an unknown item id in a playlist add", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const bob = await userId(box, "bob");
    const created = await call(box, "POST", "/Playlists", {
      body: { Name: "Mine", Ids: [box.idOf("heat")], UserId: bob, IsPublic: false },
    });
    const id = (created.body as { Id: string }).Id;
    const unknown = "0123456789abcdef0123456789abcdef";
    expect((await call(box, "POST", `/Playlists/${id}/Items?ids=${unknown}&userId=${bob}`)).status).toBe(204);
    const entries = (await call(box, "GET", `/Playlists/${id}/Items?userId=${bob}`)).body as Page;
    expect(entries.Items.map((item) => item.Id)).toEqual([box.idOf("heat")]);
    expect(box.violations).toEqual([]);
  });

  it("refuses a collection without a name with 500; a name in use gives that collection, members replaced", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    expect((await call(box, "POST", "/Collections")).status).toBe(500);
    const [heat, arrival] = [box.idOf("heat"), box.idOf("arrival")];
    const first = (await call(box, "POST", `/Collections?name=Pair&ids=${heat}`)).body as { Id: string };
    const again = (await call(box, "POST", `/Collections?name=Pair&ids=${arrival}`)).body as { Id: string };
    expect(again.Id).toBe(first.Id);
    expect(
      box
        .dump()
        .collections.find((c) => c.name === "Pair")!
        .members.map((m) => m.ref),
    ).toEqual(["arrival"]);
  });

  it("writes LastPlayedDate with seven zeros when the fraction is zero, else only the digits that matter", async () => {
    for (const version of VERSIONS) {
      const box = await sandbox({ kind: "jellyfin", version });
      const bob = await userId(box, "bob");
      const path = `/UserItems/${box.idOf("heat")}/UserData?userId=${bob}`;
      const read = async (date: string) => {
        await call(box, "POST", path, { body: { LastPlayedDate: date } });
        return ((await call(box, "GET", path)).body as { LastPlayedDate: string }).LastPlayedDate;
      };
      const twelve = version === "12.0";
      expect(await read("2021-02-03T04:05:06Z")).toBe("2021-02-03T04:05:06.0000000Z");
      expect(await read("2021-02-03T04:05:06.500Z")).toBe(
        twelve ? "2021-02-03T04:05:06.5Z" : "2021-02-03T04:05:06.5000000Z",
      );
      expect(await read("2021-02-03T04:05:06.123Z")).toBe(
        twelve ? "2021-02-03T04:05:06.123Z" : "2021-02-03T04:05:06.1230000Z",
      );
    }
  });

  it("shows a series or season as played exactly when every episode under it is", async () => {
    for (const version of VERSIONS) {
      const box = await sandbox({ kind: "jellyfin", version });
      const bob = await userId(box, "bob");
      const path = (ref: string) => `/UserItems/${box.idOf(ref)}/UserData?userId=${bob}`;
      const played = async (ref: string) =>
        ((await call(box, "GET", path(ref))).body as { Played: boolean }).Played;
      const listed = async (ref: string) => {
        const page = (await call(box, "GET", `/Items?userId=${bob}&ids=${box.idOf(ref)}&enableUserData=true`))
          .body as Page;
        return (page.Items[0]!.UserData as { Played: boolean }).Played;
      };
      const twelve = version === "12.0";
      // A rating on the series is stored for the series itself; its Played is not.
      await call(box, "POST", path("breaking-bad"), { body: { Rating: 10 } });
      await call(box, "POST", path("bb-s1e1"), { body: { Played: true } });
      expect(await played("breaking-bad-s1")).toBe(false);
      const answer = await call(box, "POST", path("bb-s1e2-3"), { body: { Played: true } });
      expect((answer.body as { Played: boolean }).Played).toBe(true);
      for (const ref of ["breaking-bad", "breaking-bad-s1"]) {
        expect(await played(ref)).toBe(twelve);
        expect(await listed(ref)).toBe(twelve);
      }
      const series = (await call(box, "GET", path("breaking-bad"))).body as {
        Rating: number;
        PlayCount: number;
      };
      expect(series).toMatchObject({ Rating: 10, PlayCount: 0 });
      // Marking the series unplayed stores that for it; it shows played while its episodes are.
      await call(box, "POST", path("breaking-bad"), { body: { Played: false } });
      expect(await played("breaking-bad")).toBe(twelve);
      expect(box.violations).toEqual([]);
    }
  });

  it("lists a BoxSet's members to an API key only recursively (with a user, either way)", async () => {
    for (const version of VERSIONS) {
      const box = await sandbox({ kind: "jellyfin", version });
      const sets = (await call(box, "GET", "/Items?recursive=true&includeItemTypes=BoxSet")).body as Page;
      const heist = String(sets.Items.find((item) => item.Name === "Heist films")!.Id);
      const names = async (params: string) =>
        ((await call(box, "GET", `/Items?parentId=${heist}${params}`)).body as Page).Items.map((i) => i.Name);
      expect(await names("")).toEqual(version === "12.0" ? [] : ["Heat"]);
      expect(await names("&recursive=true")).toEqual(["Heat"]);
      expect(await names(`&userId=${await userId(box, "bob")}`)).toEqual(["Heat"]);
    }
  });

  it("lists every music artist below every library", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const views = (await call(box, "GET", "/Library/VirtualFolders")).body as {
      Name: string;
      ItemId: string;
    }[];
    const shows = views.find((view) => view.Name === "Shows")!.ItemId;
    const listed = (
      await call(box, "GET", `/Items?parentId=${shows}&recursive=true&includeItemTypes=MusicArtist`)
    ).body as Page;
    expect(listed.Items.map((item) => item.Name).sort()).toEqual(["Nils Frahm", "Radiohead"]);
  });

  it("logs which credential forms a request carried, without their values", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    await call(box, "GET", "/Users");
    await call(box, "GET", "/Users", { token: null, headers: { "X-Emby-Token": box.apiKey } });
    await call(box, "GET", `/Users?api_key=${box.apiKey}`, { token: null });
    expect(box.requests.map((request) => request.credentials)).toEqual([
      ["Authorization: MediaBrowser"],
      ["X-Emby-Token"],
      ["api_key"],
    ]);
    expect(JSON.stringify(box.requests)).not.toContain(box.apiKey);
  });
});
