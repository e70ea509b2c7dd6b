import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import type { TargetItem, TargetUserData } from "../../src/model/index.js";
import { closestVersion, snapshotLibrary, type TargetSnapshot } from "../../src/sandbox/index.js";
import { connectTarget } from "../../src/targets/detect.js";
import { sandbox } from "./helpers.js";

const hex = (n: number) => n.toString(16).padStart(32, "0");

/** Items with every shape a server reports, in Jellyfin id format (ids chosen by "the server"). */
function jellyfinItems(): TargetItem[] {
  const base = {
    libraryId: hex(1),
    year: null,
    externalIds: {},
    paths: [],
    showId: null,
    parentId: null,
    seasonNumber: null,
    episodeNumber: null,
    episodeNumberEnd: null,
  };
  const tv = { ...base, libraryId: hex(2) };
  const music = { ...base, libraryId: hex(3) };
  return [
    {
      ...base,
      id: hex(10),
      kind: "movie",
      parentId: hex(1),
      title: "Blade Runner",
      year: 1982,
      externalIds: { imdb: "tt0083658", tmdb: "78" },
      paths: ["/m/Blade Runner/theatrical.mkv", "/m/Blade Runner/final cut.mkv"],
    },
    // Odd metadata is kept as the server holds it.
    {
      ...base,
      id: hex(11),
      kind: "movie",
      parentId: hex(1),
      title: "Metropolis",
      year: 1,
      paths: ["/m/x.mkv"],
    },
    {
      ...tv,
      id: hex(20),
      kind: "show",
      parentId: hex(2),
      title: "Bluey",
      externalIds: { tvdb: "353546" },
      paths: ["/tv/Bluey"],
    },
    {
      ...tv,
      id: hex(21),
      kind: "season",
      title: "Season 1",
      showId: hex(20),
      parentId: hex(20),
      seasonNumber: 1,
    },
    {
      ...tv,
      id: hex(22),
      kind: "episode",
      title: "Hospital",
      showId: hex(20),
      parentId: hex(21),
      seasonNumber: 1,
      episodeNumber: 2,
      episodeNumberEnd: 3,
      paths: ["/tv/Bluey/S01E02-E03.mkv"],
    },
    // A show without season folders: its episode sits in the series.
    {
      ...tv,
      id: hex(23),
      kind: "episode",
      title: "Special",
      showId: hex(20),
      parentId: hex(20),
      seasonNumber: 0,
      episodeNumber: 1,
      paths: ["/tv/Bluey/special.mkv"],
    },
    { ...music, id: hex(30), kind: "artist", parentId: hex(3), title: "Radiohead" },
    {
      ...music,
      id: hex(31),
      kind: "album",
      title: "OK Computer",
      year: 1997,
      showId: hex(30),
      parentId: hex(30),
    },
    {
      ...music,
      id: hex(32),
      kind: "track",
      title: "Airbag",
      parentId: hex(31),
      seasonNumber: 2,
      episodeNumber: 1,
      paths: ["/music/airbag.flac"],
    },
  ];
}

const played = (fields: Partial<TargetUserData>): TargetUserData => ({
  played: false,
  playCount: 0,
  lastPlayedAt: null,
  positionMs: 0,
  rating: null,
  isFavorite: false,
  ...fields,
});

function jellyfinSnapshot(): TargetSnapshot {
  return {
    server: { kind: "jellyfin", version: "10.11.11", serverName: "Home" },
    users: [
      { id: hex(100), name: "grandma", isAdmin: false },
      { id: hex(101), name: "kid", isAdmin: false },
    ],
    libraries: [
      { id: hex(1), name: "Movies", kind: "movie", rootPaths: ["/m"] },
      { id: hex(2), name: "TV", kind: "show", rootPaths: ["/tv"] },
      { id: hex(3), name: "Music", kind: "music", rootPaths: ["/music"] },
      { id: hex(4), name: "Home videos", kind: "other", rootPaths: ["/home"] },
    ],
    items: jellyfinItems(),
    userData: new Map([
      [
        hex(100),
        new Map([
          [
            hex(10),
            played({ played: true, playCount: 3, lastPlayedAt: new Date("2024-02-11T20:15:00Z"), rating: 9 }),
          ],
          // The empty state is not written down.
          [hex(11), played({})],
        ]),
      ],
      [hex(101), new Map([[hex(22), played({ positionMs: 240_000, isFavorite: true })]])],
    ]),
    playlists: [
      {
        id: hex(200),
        title: "Cartoons",
        ownerUserId: hex(101),
        // The second entry lives in a library the snapshot leaves out.
        entries: [
          { itemId: hex(22), entryId: hex(22) },
          { itemId: hex(999), entryId: hex(999) },
        ],
      },
    ],
    collections: [{ id: hex(300), title: "Classics", memberIds: [hex(10), hex(11)] }],
  };
}

describe("snapshotLibrary", () => {
  it("loads into a sandbox that answers the adapter as the snapshot's server did", async () => {
    const snapshot = jellyfinSnapshot();
    const library = snapshotLibrary(snapshot);
    expect(JSON.stringify(library)).not.toMatch(/password/i);
    const box = await sandbox({ kind: "jellyfin", version: "10.11", library });
    const adapter = await connectTarget({
      url: box.url,
      apiKey: box.apiKey,
      kind: "auto",
      timeout: 10,
      concurrency: 2,
    });
    try {
      const index = await adapter.index();
      expect(index.libraries).toEqual(snapshot.libraries);
      // Top-level items report their library as parent; everything else is as it was given.
      expect(index.items).toEqual(snapshot.items);
      expect(await adapter.listUsers()).toEqual(snapshot.users);
      const grandma = await adapter.readUserData(hex(100), [hex(10), hex(11)]);
      expect(grandma.get(hex(10))).toEqual(snapshot.userData.get(hex(100))!.get(hex(10)));
      expect(grandma.get(hex(11))).toEqual(played({}));
      expect((await adapter.readUserData(hex(101), [hex(22)])).get(hex(22))).toEqual(
        played({ positionMs: 240_000, isFavorite: true }),
      );
      expect(await adapter.listPlaylists(hex(101))).toEqual(snapshot.playlists);
      expect(await adapter.listCollections()).toEqual(snapshot.collections);

      // Made at run time, a playlist never takes an id the file kept.
      const made = await adapter.createPlaylist(hex(100), "New", [hex(10)]);
      expect(made.id).not.toBe(hex(200));
      expect(box.dump().playlists).toHaveLength(2);
    } finally {
      adapter.close();
    }
    // Titles of items outside the snapshot's libraries never enter it.
    expect(library.otherItems).toEqual([{ id: hex(999), ref: hex(999) }]);
    expect(box.violations).toEqual([]);
  });

  it("keeps Emby's numeric ids, numbering what is made later above them", async () => {
    const snapshot: TargetSnapshot = {
      server: { kind: "emby", version: "4.8.11.0", serverName: "" },
      users: [{ id: "e8837bc1ad67520e8cd2f629e3155721", name: "grandma", isAdmin: true }],
      libraries: [{ id: "3", name: "Movies", kind: "movie", rootPaths: ["/m"] }],
      items: [{ ...jellyfinItems()[0]!, id: "500123", libraryId: "3", parentId: "3" }],
      userData: new Map(),
      playlists: [],
      collections: [],
    };
    const box = await sandbox({ kind: "emby", version: "4.8", library: snapshotLibrary(snapshot) });
    const adapter = await connectTarget({
      url: box.url,
      apiKey: box.apiKey,
      kind: "auto",
      timeout: 10,
      concurrency: 2,
    });
    try {
      expect((await adapter.index()).items.map((item) => item.id)).toEqual(["500123"]);
      const made = await adapter.createCollection("New", ["500123"]);
      expect(Number(made.id)).toBeGreaterThan(500123);
    } finally {
      adapter.close();
    }
  });

  it("refuses ids of another server kind, naming the kind the snapshot was taken from", async () => {
    const library = snapshotLibrary(jellyfinSnapshot());
    await expect(sandbox({ kind: "emby", version: "4.9", library })).rejects.toThrow(ConfigError);
    await expect(sandbox({ kind: "emby", version: "4.9", library })).rejects.toMatchObject({
      hint: expect.stringContaining("start it with --kind jellyfin"),
    });
  });
});

describe("closestVersion", () => {
  it("plays a server by its major.minor, a newer one than any known by the newest", () => {
    expect(closestVersion("jellyfin", "10.11.11")).toBe("10.11");
    expect(closestVersion("jellyfin", "10.8.13")).toBe("10.8");
    expect(closestVersion("jellyfin", "12.0.0")).toBe("12.0");
    expect(closestVersion("jellyfin", "12.4.1")).toBe("12.0");
    expect(closestVersion("jellyfin", "13.0.0")).toBe("12.0");
    expect(closestVersion("emby", "4.7.5.0")).toBe("4.7");
    expect(closestVersion("emby", "4.10.1.0")).toBe("4.10");
    expect(closestVersion("emby", "4.11.0.0")).toBe("4.10");
    expect(closestVersion("emby", "5.0.0.0")).toBe("4.10");
  });
});
