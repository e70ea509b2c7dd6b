import { describe, expect, it } from "vitest";
import { countOf, libraryListing, libraryNamed, topLevelTypes } from "../helpers/sample-target.js";
import { call, EMBY, JELLYFIN, login, PERSONALITIES, sandbox, userId } from "./helpers.js";

/** target-apis §4: the item query engine, field gating and per-kind filters. */

interface Page {
  Items: Record<string, unknown>[];
  TotalRecordCount: number;
}

describe.each(PERSONALITIES)("$kind@$version item queries", ({ kind, version }) => {
  const itemsPath = (user: string) =>
    kind === "jellyfin" && version !== "10.8" ? `/Items?userId=${user}&` : `/Users/${user}/Items?`;

  it("pages recursively by type with TotalRecordCount", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const first = (
      await call(box, "GET", `${itemsPath(bob)}recursive=true&includeItemTypes=Episode&startIndex=0&limit=2`)
    ).body as Page;
    const rest = (
      await call(box, "GET", `${itemsPath(bob)}recursive=true&includeItemTypes=Episode&startIndex=2&limit=10`)
    ).body as Page;
    const episodes = countOf(["Episode"]);
    expect(first.TotalRecordCount).toBe(episodes);
    expect(first.Items).toHaveLength(2);
    expect(rest.Items).toHaveLength(Math.min(10, episodes - 2));
    const ids = new Set([...first.Items, ...rest.Items].map((item) => item.Id));
    expect(ids.size).toBe(episodes);
    const multi = rest.Items.find((item) => item.IndexNumberEnd === 4);
    expect(multi).toMatchObject({ IndexNumber: 3, ParentIndexNumber: 1, SeriesName: "The Expanse" });
    expect(box.violations).toEqual([]);
  });

  it("returns ProviderIds, Path and MediaSources only when asked for", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const base = `${itemsPath(bob)}recursive=true&includeItemTypes=Movie&ids=${box.idOf("shawshank")}`;
    const plain = ((await call(box, "GET", base)).body as Page).Items[0]!;
    expect(plain).not.toHaveProperty("ProviderIds");
    expect(plain).not.toHaveProperty("Path");
    expect(plain).not.toHaveProperty("MediaSources");
    expect(plain).toMatchObject({ Name: "The Shawshank Redemption", ProductionYear: 1994, Type: "Movie" });
    const full = ((await call(box, "GET", `${base}&fields=ProviderIds,Path,MediaSources`)).body as Page)
      .Items[0]!;
    expect(full.ProviderIds).toEqual({ Imdb: "tt0111161", Tmdb: "278" });
    expect((full.MediaSources as { Path: string }[]).map((s) => s.Path)).toEqual([
      "/media/movies/The Shawshank Redemption (1994)/Shawshank - 1080p.mkv",
      "/media/movies/The Shawshank Redemption (1994)/Shawshank - 2160p.mkv",
    ]);
    expect(box.violations).toEqual([]);
  });

  it("lists a library's direct children by parentId, and its user views without one", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const views = (await call(box, "GET", itemsPath(bob))).body as Page;
    expect(views.Items.map((item) => item.Name)).toEqual(libraryListing().map(([name]) => name));
    const showsName = libraryNamed("tvshows");
    const shows = views.Items.find((item) => item.Name === showsName)!;
    const children = (await call(box, "GET", `${itemsPath(bob)}parentId=${shows.Id}`)).body as Page;
    expect(children.Items.map((item) => item.Type)).toEqual(topLevelTypes(showsName));
    const all = (await call(box, "GET", `${itemsPath(bob)}parentId=${shows.Id}&recursive=true`)).body as Page;
    // Observed on Jellyfin 12.0.0: every music artist is listed below every library too.
    const artists = kind === "jellyfin" && version === "12.0" ? countOf(["MusicArtist"]) : 0;
    expect(all.TotalRecordCount).toBe(countOf(["Series", "Season", "Episode"], showsName) + artists);
    expect(box.violations).toEqual([]);
  });

  it("resolves episodes of a series by season", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const user = kind === "jellyfin" ? "userId" : "UserId";
    const answer = await call(box, "GET", `/Shows/${box.idOf("expanse")}/Episodes?${user}=${bob}&season=2`);
    expect(answer.status).toBe(200);
    expect((answer.body as Page).Items.map((item) => item.Name)).toEqual(["Safe", "Doors & Corners"]);
    expect(box.violations).toEqual([]);
  });

  it("lists libraries with their paths and ids", async () => {
    const box = await sandbox({ kind, version });
    const answer = await call(box, "GET", "/Library/VirtualFolders");
    expect(answer.status).toBe(200);
    const folders = answer.body as {
      Name: string;
      Locations: string[];
      CollectionType: string;
      ItemId: string;
    }[];
    expect(folders.map((f) => [f.Name, f.CollectionType, f.Locations])).toEqual(libraryListing());
    expect(folders[0]?.ItemId).toMatch(kind === "jellyfin" ? /^[0-9a-f]{32}$/ : /^\d+$/);
    expect(box.violations).toEqual([]);
  });
});

describe.each(JELLYFIN)("jellyfin@$version query binding", ({ kind, version }) => {
  it("ignores AnyProviderIdEquals and Path (returns everything), drops invalid enum values", async () => {
    const box = await sandbox({ kind, version });
    const all = (await call(box, "GET", "/Items?recursive=true&includeItemTypes=Movie")).body as Page;
    const ignored = (
      await call(
        box,
        "GET",
        "/Items?recursive=true&includeItemTypes=Movie&AnyProviderIdEquals=imdb.tt0111161",
      )
    ).body as Page;
    expect(ignored.TotalRecordCount).toBe(all.TotalRecordCount);
    expect(box.violations.some((v) => v.includes('"AnyProviderIdEquals"'))).toBe(true);
    box.violations.length = 0;
    const invalid = (await call(box, "GET", "/Items?recursive=true&includeItemTypes=Movie,Nonsense"))
      .body as Page;
    expect(invalid.TotalRecordCount).toBe(countOf(["Movie"]));
    const allInvalid = (await call(box, "GET", "/Items?recursive=true&includeItemTypes=Nonsense"))
      .body as Page;
    expect(allInvalid.TotalRecordCount).toBeGreaterThan(countOf(["Movie"]));
    expect(box.violations.filter((v) => v.includes("Nonsense"))).toHaveLength(2);
  });

  it("accepts arrays both repeated and comma-joined", async () => {
    const box = await sandbox({ kind, version });
    const repeated = (
      await call(
        box,
        "GET",
        "/Items?recursive=true&includeItemTypes=Movie&includeItemTypes=Series&fields=Path&fields=ProviderIds",
      )
    ).body as Page;
    const joined = (
      await call(box, "GET", "/Items?recursive=true&includeItemTypes=Movie,Series&fields=Path,ProviderIds")
    ).body as Page;
    expect(repeated.TotalRecordCount).toBe(countOf(["Movie", "Series"]));
    expect(repeated).toEqual(joined);
    expect(repeated.Items[0]).toHaveProperty("Path");
    expect(repeated.Items[0]).toHaveProperty("ProviderIds");
    expect(box.violations).toEqual([]);
  });
});

describe.each(EMBY)("emby@$version filters", ({ kind, version }) => {
  it("filters by AnyProviderIdEquals (any match, case-insensitive) and exact Path", async () => {
    const box = await sandbox({ kind, version });
    const byIds = (
      await call(box, "GET", "/Items?Recursive=true&AnyProviderIdEquals=imdb.tt0111161,Tmdb.949")
    ).body as Page;
    expect(byIds.Items.map((item) => item.Name).sort()).toEqual(["Heat", "The Shawshank Redemption"]);
    const path = encodeURIComponent("/media/movies/The Shawshank Redemption (1994)/Shawshank - 2160p.mkv");
    const byPath = (await call(box, "GET", `/Items?Recursive=true&Path=${path}`)).body as Page;
    expect(byPath.Items.map((item) => item.Name)).toEqual(["The Shawshank Redemption"]);
    expect((await call(box, "GET", "/Items?Recursive=true&Path=/nowhere")).body).toMatchObject({
      TotalRecordCount: 0,
    });
    expect(box.violations).toEqual([]);
  });

  it("uses decimal item ids and 32-hex user ids", async () => {
    const box = await sandbox({ kind, version });
    expect(box.idOf("heat")).toMatch(/^\d+$/);
    expect(await userId(box, "bob")).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe.each(PERSONALITIES)("$kind@$version library access", ({ kind, version }) => {
  it("hides libraries outside a user's EnabledFolders; a user token asking into one gets 401", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const folders = (await call(box, "GET", "/Library/VirtualFolders")).body as {
      Name: string;
      ItemId: string;
    }[];
    const movies = folders.find((f) => f.Name === libraryNamed("movies"))!.ItemId;
    const shows = folders.find((f) => f.Name === libraryNamed("tvshows"))!.ItemId;
    const policy = ((await call(box, "GET", `/Users/${bob}`)).body as { Policy: Record<string, unknown> })
      .Policy;
    await call(box, "POST", `/Users/${bob}/Policy`, {
      body: { ...policy, EnableAllFolders: false, EnabledFolders: [movies] },
    });
    const episodes = (
      await call(box, "GET", `/Users/${bob}/Items?Recursive=true&IncludeItemTypes=Episode,Movie`)
    ).body as Page;
    expect(episodes.Items.map((i) => i.Type)).toEqual(Array(countOf(["Movie"])).fill("Movie"));
    const token = await login(box, "bob", "");
    const denied = await call(box, "GET", `/Users/${bob}/Items?ParentId=${shows}`, { token });
    expect(denied.status).toBe(401);
    expect(box.violations.filter((v) => !v.includes("is not part of the operation"))).toEqual([]);
  });
});
