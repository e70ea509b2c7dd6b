import { describe, expect, it } from "vitest";
import { sampleTargetLibrary } from "../../src/sample/index.js";
import type { Sandbox, SandboxLibrary } from "../../src/sandbox/index.js";
import { libraryNamed } from "../helpers/sample-target.js";
import { call, sandbox, userId } from "./helpers.js";

/** target-apis §12.5: how GET /Items recurses on Jellyfin 12 compared with 10.11. */

interface Page {
  Items: Record<string, unknown>[];
  TotalRecordCount: number;
}

/** Items of the sample the recursion cases look at: three films, one show, one album. */
const KEPT = new Set(["shawshank", "arrival", "heat", "expanse", "artist-nils"]);

/**
 * The sample cut down to those items (so each rule's answer stays short enough to read), plus
 * a collections library and a second collection ("Space", from the Shows library).
 */
function library(): SandboxLibrary {
  const lib = sampleTargetLibrary();
  for (const section of lib.libraries) section.items = section.items?.filter((item) => KEPT.has(item.ref!));
  lib.libraries.push({ name: "Collections", collectionType: "boxsets", paths: ["/config/collections"] });
  lib.collections = [...(lib.collections ?? []), { name: "Space", members: ["expanse"] }];
  return lib;
}

interface World {
  box: Sandbox;
  /** GET /Items for alice (owner of "Alice favourites") with these parameters; the item names. */
  names(params: string): Promise<string[]>;
  library(name: string): string;
}

async function world(version: "10.11" | "12.0"): Promise<World> {
  const box = await sandbox({ kind: "jellyfin", version, library: library() });
  const alice = await userId(box, "alice");
  const views = (await call(box, "GET", `/UserViews?userId=${alice}`)).body as Page;
  return {
    box,
    async names(params) {
      const answer = await call(box, "GET", `/Items?userId=${alice}&${params}`);
      expect(answer.status).toBe(200);
      return (answer.body as Page).Items.map((item) => String(item.Name));
    },
    library: (name) => String(views.Items.find((view) => view.Name === name)!.Id),
  };
}

const EPISODES = ["Dulcinea", "The Big Empty", "Remember the Cant / CQB", "Safe", "Doors & Corners"];
const MOVIES = ["The Shawshank Redemption", "Arrival", "Heat"];
const FILMS = libraryNamed("movies");
const VIEWS = [FILMS, "Shows", "Music", "Collections"];

describe("jellyfin GET /Items recursion: 10.11 against 12.0", () => {
  it("rule 1: a library with includeItemTypes recurses when recursive is omitted (not when false)", async () => {
    const [old, next] = [await world("10.11"), await world("12.0")];
    const query = (w: World) => `parentId=${w.library("Shows")}&includeItemTypes=Episode`;
    expect(await old.names(query(old))).toEqual([]);
    expect(await next.names(query(next))).toEqual(EPISODES);
    expect(await next.names(`${query(next)}&recursive=false`)).toEqual([]);
    // Without types a library still lists its direct children.
    expect(await next.names(`parentId=${next.library("Shows")}`)).toEqual(["The Expanse"]);
    expect([...old.box.violations, ...next.box.violations]).toEqual([]);
  });

  it("rule 2: at the user root any filter recurses, even with recursive=false", async () => {
    const [old, next] = [await world("10.11"), await world("12.0")];
    for (const recursive of ["", "&recursive=false"]) {
      expect(await old.names(`includeItemTypes=Movie${recursive}`)).toEqual([]);
      expect(await next.names(`includeItemTypes=Movie${recursive}`)).toEqual(MOVIES);
      expect(await old.names(`nameStartsWith=Hea${recursive}`)).toEqual([]);
      expect(await next.names(`nameStartsWith=Hea${recursive}`)).toEqual(["Heat"]);
    }
    // No filter: the user's library views on both.
    expect(await old.names("")).toEqual(VIEWS);
    expect(await next.names("recursive=false")).toEqual(VIEWS);
    expect([...old.box.violations, ...next.box.violations]).toEqual([]);
  });

  it("rule 3: BoxSet or Playlist with a library lists those holding an item of it (10.11: every collection)", async () => {
    const [old, next] = [await world("10.11"), await world("12.0")];
    const boxsets = (w: World, library: string, recursive = "&recursive=true") =>
      w.names(`parentId=${w.library(library)}&includeItemTypes=BoxSet${recursive}`);
    expect(await old.names("recursive=true&includeItemTypes=BoxSet")).toEqual(["Heist films", "Space"]);
    expect(await old.names("recursive=true&includeItemTypes=BoxSet")).toEqual(
      await next.names("recursive=true&includeItemTypes=BoxSet"),
    );
    expect(await boxsets(old, FILMS)).toEqual(["Heist films", "Space"]);
    expect(await boxsets(next, FILMS)).toEqual(["Heist films"]);
    expect(await boxsets(next, "Shows", "")).toEqual(["Space"]);
    expect(await boxsets(next, "Music")).toEqual([]);
    // The collections library itself is no filter: every collection.
    expect(await boxsets(next, "Collections")).toEqual(["Heist films", "Space"]);

    const playlists = (w: World, library: string) =>
      w.names(`parentId=${w.library(library)}&includeItemTypes=Playlist&recursive=true`);
    expect(await playlists(old, "Shows")).toEqual([]);
    expect(await playlists(next, "Shows")).toEqual(["Alice favourites"]);
    expect(await playlists(next, FILMS)).toEqual(["Alice favourites"]);
    expect(await playlists(next, "Music")).toEqual([]);
    expect([...old.box.violations, ...next.box.violations]).toEqual([]);
  });

  it("rule 4: a collections library without includeItemTypes lists its BoxSets", async () => {
    const [old, next] = [await world("10.11"), await world("12.0")];
    expect(await old.names(`parentId=${old.library("Collections")}`)).toEqual(["Heist films", "Space"]);
    expect(await next.names(`parentId=${next.library("Collections")}&recursive=false`)).toEqual([
      "Heist films",
      "Space",
    ]);
    expect([...old.box.violations, ...next.box.violations]).toEqual([]);
  });

  it("explicit recursive=true with explicit types gives the same answer on both (target-apis §12.5)", async () => {
    const [old, next] = [await world("10.11"), await world("12.0")];
    const query =
      "recursive=true&includeItemTypes=Movie,Episode,Audio&fields=ProviderIds,Path,MediaSources&collapseBoxSetItems=false";
    const answers = await Promise.all([old, next].map((w) => call(w.box, "GET", `/Items?${query}`)));
    const shape = (answer: { body: unknown }) =>
      (answer.body as Page).Items.map((item) => [item.Name, item.Type, item.Path]);
    expect(shape(answers[1]!)).toEqual(shape(answers[0]!));
    expect((answers[1]!.body as Page).TotalRecordCount).toBe(10);
    // Observed on 12.0.0: an API key's listing that leaves collapseBoxSetItems out shows the
    // collection "Heist films" instead of Heat; with a user it does not.
    const keyOnly = async (w: World, params: string) =>
      ((await call(w.box, "GET", `/Items?${params}`)).body as Page).Items.map((item) => String(item.Name));
    const folded = "recursive=true&includeItemTypes=Movie";
    expect(await keyOnly(next, folded)).toContain("Heist films");
    expect(await keyOnly(next, folded)).not.toContain("Heat");
    expect(await keyOnly(old, folded)).toContain("Heat");
    expect(await next.names(folded)).toContain("Heat");
    const perLibrary = async (w: World) =>
      w.names(`parentId=${w.library("Shows")}&recursive=true&includeItemTypes=Episode`);
    expect(await perLibrary(next)).toEqual(await perLibrary(old));
    expect([...old.box.violations, ...next.box.violations]).toEqual([]);
  });
});

describe("sandbox library: collections library", () => {
  it("holds no items of its own", async () => {
    const lib = sampleTargetLibrary();
    lib.libraries.push({
      name: "Collections",
      collectionType: "boxsets",
      items: [{ type: "Movie", name: "Stray" }],
    });
    await expect(sandbox({ kind: "jellyfin", version: "12.0", library: lib })).rejects.toThrow(
      /boxsets library holds no items/,
    );
  });
});
