import { describe, expect, it } from "vitest";
import type { Playlist } from "../../src/model/index.js";
import {
  item,
  KIDS,
  MOVIES,
  mappedByName,
  matches,
  plan,
  server,
  snapshot,
  targetState,
  user,
} from "./helpers.js";

const alice = user("1", "alice");
const bob = user("2", "bob");
const items = ["10", "11", "12", "13"].map((key) => item(key));

function playlist(extra: Partial<Playlist>): Playlist {
  return {
    key: "100",
    ownerUserId: "1",
    title: "Road trip",
    mediaKind: "video",
    isSmart: false,
    entries: [],
    ...extra,
  };
}

const all = matches({ "10": "T10", "11": "T11", "12": "T12" }, [["13", "no-candidate", "no target item"]]);

describe("playlists (SEMANTICS §4)", () => {
  it("creates the playlist for the owner's mapped user with matched entries in Plex order, reporting unmatched ones", () => {
    const p = plan({
      snapshot: snapshot({ items, playlists: [playlist({ entries: ["12", "13", "10"] })] }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice]),
      kinds: ["playlists"],
    });
    expect(p.actions).toEqual([
      {
        key: "playlist/alice/Road trip",
        type: "create-playlist",
        user: { name: "alice", id: "t1" },
        title: "Road trip",
        itemIds: ["T12", "T10"],
      },
    ]);
    expect(p.skipped).toContainEqual(expect.objectContaining({ reason: "unmatched-entries", count: 1 }));
    expect(p.unmatched.map((u) => u.itemKey)).toEqual(["13"]);
  });

  it("appends only the missing entries, in Plex order, to the user's own playlist of exactly that title", () => {
    const p = plan({
      snapshot: snapshot({ items, playlists: [playlist({ entries: ["12", "10", "11"] })] }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice], {
        playlists: new Map([
          [
            "t1",
            [
              {
                id: "P1",
                title: "Road trip",
                ownerUserId: "t1",
                entries: [{ itemId: "T10", entryId: "e1" }],
              },
              { id: "P2", title: "road trip", ownerUserId: "t1", entries: [] },
            ],
          ],
        ]),
      }),
      kinds: ["playlists"],
    });
    expect(p.actions).toHaveLength(1);
    expect(p.actions[0]).toMatchObject({
      type: "add-playlist-entries",
      playlistId: "P1",
      before: ["T10"],
      itemIds: ["T12", "T11"],
    });
  });

  it("warns when the target cannot remove appended entries (rollback could not undo them)", () => {
    const existing = () =>
      targetState([alice], {
        playlists: new Map([
          [
            "t1",
            [
              {
                id: "P1",
                title: "Road trip",
                ownerUserId: "t1",
                entries: [{ itemId: "T10", entryId: "e1" }],
              },
            ],
          ],
        ]),
      });
    const scenario = {
      snapshot: snapshot({ items, playlists: [playlist({ entries: ["12", "10"] })] }),
      users: mappedByName([alice]),
      matches: all,
      kinds: ["playlists"] as const,
    };
    const blocked = plan({ ...scenario, state: existing(), server: server({ playlistEntryRemoval: false }) });
    expect(blocked.actions.map((a) => a.type)).toEqual(["add-playlist-entries"]);
    expect(blocked.limitations.join("\n")).toMatch(/cannot undo the entries appended to 1 existing playlist/);
    const able = plan({ ...scenario, state: existing(), server: server({ playlistEntryRemoval: true }) });
    expect(able.limitations.join("\n")).not.toMatch(/appended/);
  });

  it("plans nothing when the existing playlist already has every entry", () => {
    const p = plan({
      snapshot: snapshot({ items, playlists: [playlist({ entries: ["10"] })] }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice], {
        playlists: new Map([
          [
            "t1",
            [{ id: "P1", title: "Road trip", ownerUserId: "t1", entries: [{ itemId: "T10", entryId: "e" }] }],
          ],
        ]),
      }),
      kinds: ["playlists"],
    });
    expect(p.actions).toEqual([]);
  });

  it("never touches another user's playlist of the same title", () => {
    const p = plan({
      snapshot: snapshot({ users: [alice, bob], items, playlists: [playlist({ entries: ["10"] })] }),
      users: mappedByName([alice, bob]),
      matches: all,
      state: targetState([alice, bob], {
        // Bob's playlist, and one listed for alice that she does not own (shared with her).
        playlists: new Map([
          ["t2", [{ id: "PB", title: "Road trip", ownerUserId: "t2", entries: [] }]],
          ["t1", [{ id: "PS", title: "Road trip", ownerUserId: "t2", entries: [] }]],
        ]),
      }),
      kinds: ["playlists"],
    });
    expect(p.actions).toEqual([
      expect.objectContaining({ type: "create-playlist", user: { name: "alice", id: "t1" } }),
    ]);
  });

  it("keeps a duplicated item once and reports it", () => {
    const p = plan({
      snapshot: snapshot({ items, playlists: [playlist({ entries: ["10", "11", "10"] })] }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice]),
      kinds: ["playlists"],
    });
    expect(p.actions[0]).toMatchObject({ itemIds: ["T10", "T11"] });
    expect(p.skipped).toContainEqual(
      expect.objectContaining({ reason: "duplicate-entries", subject: "Road trip", count: 1 }),
    );
  });

  it("materializes a smart playlist with known entries; skips one with unknown membership", () => {
    const p = plan({
      snapshot: snapshot({
        items,
        playlists: [
          playlist({ key: "1", title: "Smart known", isSmart: true, entries: ["11"] }),
          playlist({ key: "2", title: "Smart unknown", isSmart: true, entries: null }),
        ],
      }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice]),
      kinds: ["playlists"],
    });
    expect(p.actions).toEqual([expect.objectContaining({ title: "Smart known", itemIds: ["T11"] })]);
    expect(p.skipped).toEqual([
      expect.objectContaining({ reason: "smart-membership-unknown", subject: "Smart unknown" }),
    ]);
  });

  it("skips a playlist with no matched entries, with a reason", () => {
    const p = plan({
      snapshot: snapshot({ items, playlists: [playlist({ entries: ["13"] })] }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice]),
      kinds: ["playlists"],
    });
    expect(p.actions).toEqual([]);
    expect(p.skipped.map((s) => s.reason)).toContain("no-matched-entries");
  });

  it("counts entries from excluded libraries without naming them", () => {
    const p = plan({
      snapshot: snapshot({
        libraries: [MOVIES],
        items,
        playlists: [playlist({ entries: ["10"], excludedEntryCount: 2 })],
      }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice]),
      kinds: ["playlists"],
    });
    expect(p.skipped).toContainEqual(
      expect.objectContaining({ reason: "excluded-library-entries", count: 2 }),
    );
    expect(JSON.stringify(p)).not.toContain(KIDS.name);
  });

  it("a target that cannot keep playlists private gets none, and the plan says why", () => {
    const p = plan({
      snapshot: snapshot({ items, playlists: [playlist({ entries: ["10"] })] }),
      users: mappedByName([alice]),
      matches: all,
      state: targetState([alice]),
      server: server({ privatePlaylists: false }),
      kinds: ["playlists"],
    });
    expect(p.actions).toEqual([]);
    expect(p.skipped.map((s) => s.reason)).toEqual(["target-playlists-not-private"]);
    expect(p.limitations).toHaveLength(1);
  });
});

describe("collections (SEMANTICS §5)", () => {
  const shows = item("20", { libraryId: "3" });
  const libraries = [MOVIES, KIDS];
  const twoLibraries = [
    { key: "c1", libraryId: "1", title: "Marvel", isSmart: false, memberKeys: ["10", "11"] },
    { key: "c2", libraryId: "3", title: "Marvel", isSmart: false, memberKeys: ["20", "10"] },
  ];

  it("same-titled collections of several libraries merge into one creation", () => {
    const p = plan({
      snapshot: snapshot({ libraries, items: [...items, shows], collections: twoLibraries }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10", "11": "T11", "20": "T20" }),
      state: targetState([alice]),
      kinds: ["collections"],
    });
    expect(p.actions).toEqual([
      {
        key: "collection/Marvel",
        type: "create-collection",
        title: "Marvel",
        itemIds: ["T10", "T11", "T20"],
      },
    ]);
  });

  it("an existing collection of exactly that title gains the missing members", () => {
    const p = plan({
      snapshot: snapshot({ libraries, items: [...items, shows], collections: twoLibraries }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10", "11": "T11", "20": "T20" }),
      state: targetState([alice], {
        collections: [
          { id: "B1", title: "Marvel", memberIds: ["T11"] },
          { id: "B2", title: "marvel", memberIds: [] },
        ],
      }),
      kinds: ["collections"],
    });
    expect(p.actions).toEqual([
      expect.objectContaining({
        type: "add-collection-members",
        collectionId: "B1",
        before: ["T11"],
        itemIds: ["T10", "T20"],
      }),
    ]);
  });

  it("collections are left alone when the collections kind is off", () => {
    const p = plan({
      snapshot: snapshot({ libraries, items: [...items, shows], collections: twoLibraries }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice]),
      kinds: ["watched"],
    });
    expect(p.actions).toEqual([]);
  });
});
