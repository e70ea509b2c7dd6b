import { describe, expect, it } from "vitest";
import { call, EMBY, isJellyfin12, JELLYFIN, login, PERSONALITIES, sandbox, userId } from "./helpers.js";

/** target-apis §6: playlists (ownership, visibility, dedupe, caller identity) and collections. */

interface Page {
  Items: Record<string, unknown>[];
  TotalRecordCount: number;
}

const modern = (version: string) => version !== "10.8";

describe.each(JELLYFIN)("jellyfin@$version playlists", ({ kind, version }) => {
  it("creates with a JSON body for a given user; duplicates are dropped (kept on 12.0); entries carry PlaylistItemId", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const [heat, arrival] = [box.idOf("heat"), box.idOf("arrival")];
    const created = await call(box, "POST", "/Playlists", {
      body: { Name: "Bob's", Ids: [heat, arrival, heat], UserId: bob, MediaType: "Video" },
    });
    expect(created.status).toBe(200);
    const id = (created.body as { Id: string }).Id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(
      (
        await call(
          box,
          "POST",
          `/Playlists/${id}/Items?ids=${arrival},${box.idOf("shawshank")}&userId=${bob}`,
        )
      ).status,
    ).toBe(204);
    const entries = (await call(box, "GET", `/Playlists/${id}/Items?userId=${bob}`)).body as Page;
    const refs = isJellyfin12(kind, version)
      ? ["heat", "arrival", "heat", "arrival", "shawshank"]
      : ["heat", "arrival", "shawshank"];
    expect(entries.Items.map((item) => item.Id)).toEqual(refs.map((ref) => box.idOf(ref)));
    expect(entries.Items.every((item) => typeof item.PlaylistItemId === "string")).toBe(true);
    const playlist = box.dump().playlists.find((p) => p.id === id)!;
    // The body leaves IsPublic out: CreatePlaylistDto's default (true) applies from 10.9 on.
    expect(playlist).toMatchObject({ owner: "bob", isPublic: modern(version) });
    expect(playlist.entries.map((e) => e.ref)).toEqual(refs);
    expect(box.violations).toEqual([]);
  });

  it("an API key without a user id: 400 on 10.9+, an unowned invisible playlist on 10.8", async () => {
    const box = await sandbox({ kind, version });
    const answer = await call(box, "POST", "/Playlists", {
      body: { Name: "Nobody's", Ids: [box.idOf("heat")] },
    });
    if (modern(version)) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get("content-type")).toContain("text/plain");
    } else {
      expect(answer.status).toBe(200);
      const bob = await userId(box, "bob");
      const visible = (await call(box, "GET", `/Users/${bob}/Items?recursive=true&includeItemTypes=Playlist`))
        .body as Page;
      expect(visible.Items.map((item) => item.Name)).not.toContain("Nobody's");
    }
  });

  it("playlists are visible to their owner only", async () => {
    const box = await sandbox({ kind, version });
    const [alice, bob] = [await userId(box, "alice"), await userId(box, "bob")];
    const list = async (user: string) => {
      const path = modern(version) ? `/Items?userId=${user}&` : `/Users/${user}/Items?`;
      return (
        (await call(box, "GET", `${path}recursive=true&includeItemTypes=Playlist`)).body as Page
      ).Items.map((i) => i.Name);
    };
    expect(await list(alice)).toEqual(["Alice favourites"]);
    expect(await list(bob)).toEqual([]);
    const id = box.dump().playlists[0]!.id;
    const foreign = await call(box, "GET", `/Playlists/${id}/Items?userId=${bob}`);
    expect(foreign.status).toBe(404);
    if (modern(version)) {
      const bobToken = await login(box, "bob", "");
      expect(
        (await call(box, "POST", `/Playlists/${id}/Items?ids=${box.idOf("heat")}`, { token: bobToken }))
          .status,
      ).toBe(404);
    }
  });

  it("removes entries by PlaylistItemId; API keys may do so only on 10.8 and 10.11+", async () => {
    const box = await sandbox({ kind, version });
    const alice = await userId(box, "alice");
    const id = box.dump().playlists[0]!.id;
    const entries = (await call(box, "GET", `/Playlists/${id}/Items?userId=${alice}`)).body as Page;
    const entryId = entries.Items[0]!.PlaylistItemId as string;
    const withKey = await call(box, "DELETE", `/Playlists/${id}/Items?entryIds=${entryId}`);
    const keyAllowed = version === "10.8" || version === "10.11" || version === "12.0";
    expect(withKey.status).toBe(keyAllowed ? 204 : 400);
    if (!keyAllowed) {
      const token = await login(box, "alice", "alice");
      expect(
        (await call(box, "DELETE", `/Playlists/${id}/Items?entryIds=${entryId}`, { token })).status,
      ).toBe(204);
    }
    expect(box.dump().playlists[0]!.entries.map((e) => e.ref)).toEqual(["expanse-s1e1"]);
  });

  it("caller-identity routes fail with an API key (400) and work for the owner", async () => {
    const box = await sandbox({ kind, version });
    const id = box.dump().playlists[0]!.id;
    const withKey = await call(box, "GET", `/Playlists/${id}`);
    if (version === "10.8" || version === "10.9") {
      // GET /Playlists/{id} arrives in 10.10; 10.9 has only POST there (→ 405).
      expect(withKey.status).toBe(version === "10.8" ? 404 : 405);
      return;
    }
    expect(withKey.status).toBe(400);
    const token = await login(box, "alice", "alice");
    const own = await call(box, "GET", `/Playlists/${id}`, { token });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      OpenAccess: false,
      ItemIds: [box.idOf("arrival"), box.idOf("expanse-s1e1")],
    });
    expect(box.violations.filter((v) => !v.includes("no such route"))).toEqual([]);
  });

  it("rejects unknown item ids with 400", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const answer = await call(box, "POST", "/Playlists", {
      body: { Name: "x", Ids: ["0123456789abcdef0123456789abcdef"], UserId: bob },
    });
    expect(answer.status).toBe(400);
  });
});

describe.each(JELLYFIN.filter((p) => modern(p.version)))(
  "jellyfin@$version playlist sharing",
  ({ kind, version }) => {
    it("a public playlist is visible to everyone; a shared one to its share list; only editors add", async () => {
      const box = await sandbox({ kind, version });
      const [alice, bob] = [await userId(box, "alice"), await userId(box, "bob")];
      const visibleTo = async (user: string) =>
        (
          (await call(box, "GET", `/Items?userId=${user}&recursive=true&includeItemTypes=Playlist`))
            .body as Page
        ).Items.map((i) => i.Name);
      await call(box, "POST", "/Playlists", {
        body: { Name: "Open", Ids: [box.idOf("heat")], UserId: alice, IsPublic: true },
      });
      const shared = await call(box, "POST", "/Playlists", {
        body: {
          Name: "Shared",
          Ids: [box.idOf("heat")],
          UserId: alice,
          Users: [{ UserId: bob, CanEdit: false }],
        },
      });
      expect(await visibleTo(bob)).toEqual(["Open", "Shared"]);
      const bobToken = await login(box, "bob", "");
      const sharedId = (shared.body as { Id: string }).Id;
      expect(
        (
          await call(box, "POST", `/Playlists/${sharedId}/Items?ids=${box.idOf("arrival")}`, {
            token: bobToken,
          })
        ).status,
      ).toBe(403);
      expect(box.violations).toEqual([]);
    });
  },
);

describe("emby@4.8 playlist ownership", () => {
  it("another user cannot add to a private playlist (403)", async () => {
    const box = await sandbox({ kind: "emby", version: "4.8" });
    const bob = await userId(box, "bob");
    const id = box.dump().playlists[0]!.id;
    expect(
      (await call(box, "POST", `/Playlists/${id}/Items?Ids=${box.idOf("heat")}&UserId=${bob}`)).status,
    ).toBe(403);
  });
});

describe("jellyfin@10.8 playlist specifics", () => {
  it("requires userId to list entries and drops items of another media type", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.8" });
    const bob = await userId(box, "bob");
    const created = await call(box, "POST", "/Playlists", {
      body: { Name: "Mixed", Ids: [box.idOf("heat"), box.idOf("track-says")], UserId: bob },
    });
    const id = (created.body as { Id: string }).Id;
    expect((await call(box, "GET", `/Playlists/${id}/Items`)).status).toBe(400);
    box.violations.length = 0;
    const entries = (await call(box, "GET", `/Playlists/${id}/Items?userId=${bob}`)).body as Page;
    expect(entries.Items.map((item) => item.Name)).toEqual(["Heat"]);
    expect(box.violations).toEqual([]);
  });
});

describe.each(EMBY)("emby@$version playlists", ({ kind, version }) => {
  it("creates from query parameters only: a JSON body answers 500", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const json = await call(box, "POST", "/Playlists", {
      body: { Name: "x", Ids: [box.idOf("heat")], UserId: bob },
    });
    expect(json.status).toBe(500);
    box.violations.length = 0;
    const created = await call(
      box,
      "POST",
      `/Playlists?Name=Bob%27s&Ids=${box.idOf("heat")},${box.idOf("heat")}&UserId=${bob}&MediaType=Video`,
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ Name: "Bob's", ItemAddedCount: 1 });
    const id = (created.body as { Id: string }).Id;
    expect(id).toMatch(/^\d+$/);
    const added = await call(
      box,
      "POST",
      `/Playlists/${id}/Items?Ids=${box.idOf("heat")},${box.idOf("arrival")}&UserId=${bob}`,
    );
    if (version === "4.7") expect([added.status, added.text]).toEqual([200, ""]);
    else expect(added.body).toEqual({ Id: id, ItemAddedCount: 1 });
    const entries = (await call(box, "GET", `/Playlists/${id}/Items?UserId=${bob}`)).body as Page;
    expect(entries.Items.map((item) => item.Name)).toEqual(["Heat", "Arrival"]);
    const entryId = entries.Items[0]!.PlaylistItemId as string;
    expect((await call(box, "DELETE", `/Playlists/${id}/Items?EntryIds=${entryId}`)).status).toBe(200);
    expect(
      box
        .dump()
        .playlists.find((p) => p.id === id)!
        .entries.map((e) => e.ref),
    ).toEqual(["arrival"]);
    expect(box.violations).toEqual([]);
  });

  it("playlists are visible to every user before 4.8 and private from 4.8", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const names = (
      (await call(box, "GET", `/Users/${bob}/Items?Recursive=true&IncludeItemTypes=Playlist`)).body as Page
    ).Items.map((i) => i.Name);
    expect(names).toEqual(version === "4.7" ? ["Alice favourites"] : []);
  });
});

describe.each(PERSONALITIES)("$kind@$version collections", ({ kind, version }) => {
  it("creates, adds (no-op on duplicates), removes and deletes; unknown member → 400 after creation", async () => {
    const box = await sandbox({ kind, version });
    const [heat, arrival, shawshank] = [box.idOf("heat"), box.idOf("arrival"), box.idOf("shawshank")];
    // Void operations: Jellyfin 204; Emby documents "200, empty response".
    const done = kind === "jellyfin" ? 204 : 200;
    const created = await call(box, "POST", `/Collections?name=Sci-fi&ids=${arrival}`);
    expect(created.status).toBe(200);
    const id = (created.body as { Id: string }).Id;
    expect((await call(box, "POST", `/Collections/${id}/Items?ids=${arrival},${heat}`)).status).toBe(done);
    expect((await call(box, "DELETE", `/Collections/${id}/Items?ids=${heat}`)).status).toBe(done);
    const sciFi = () => box.dump().collections.find((c) => c.id === id);
    expect(sciFi()!.members.map((m) => m.ref)).toEqual(["arrival"]);
    const unknown = kind === "jellyfin" ? "0123456789abcdef0123456789abcdef" : "999999999";
    const partial = await call(box, "POST", `/Collections?name=Partial&ids=${shawshank},${unknown}`);
    expect(partial.status).toBe(400);
    const leftover = box.dump().collections.find((c) => c.name === "Partial");
    expect(leftover?.members.map((m) => m.ref)).toEqual(["shawshank"]);
    expect((await call(box, "DELETE", `/Items/${id}`)).status).toBe(done);
    expect(sciFi()).toBeUndefined();
    const boxsets = (await call(box, "GET", "/Items?recursive=true&includeItemTypes=BoxSet")).body as Page;
    expect(boxsets.Items.map((item) => item.Name).sort()).toEqual(["Heist films", "Partial"]);
    expect(box.violations).toEqual([]);
  });
});
