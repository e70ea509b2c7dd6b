import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { applyScope } from "../../src/scope/index.js";
import { item, KIDS, MOVIES, SHOWS, snapshot, user, watch } from "../planner/helpers.js";

const movie = item("10", { identity: "plex://movie/shared" });
const kidsCopy = item("11", {
  identity: "plex://movie/shared",
  libraryId: KIDS.id,
  title: "Secret Kids Title",
});
const kidsOnly = item("12", { identity: "plex://movie/kids", libraryId: KIDS.id, title: "Kids Only" });
const episode = item("20", { kind: "episode", libraryId: SHOWS.id });

const source = snapshot({
  users: [user("1", "Alice"), user("2", "Bob"), user("3", "Carol")],
  libraries: [MOVIES, SHOWS, KIDS],
  items: [movie, kidsCopy, kidsOnly, episode],
  states: [
    watch("1", "plex://movie/shared", { played: true, playCount: 1 }),
    watch("1", "plex://movie/kids", { played: true, playCount: 1 }),
    watch("2", episode.identity, { played: true, playCount: 1 }),
    watch("1", "plex://orphan", { played: true, playCount: 1 }),
  ],
  history: [
    { userId: "2", identity: episode.identity, plays: 1, lastViewedAt: new Date(0) },
    { userId: "1", identity: "plex://movie/kids", plays: 2, lastViewedAt: new Date(0) },
  ],
  playlists: [
    {
      key: "p1",
      ownerUserId: "1",
      title: "Mix",
      mediaKind: "video",
      isSmart: false,
      entries: ["10", "12", "11", "20"],
    },
    { key: "p2", ownerUserId: "2", title: "Bob's", mediaKind: "video", isSmart: false, entries: ["20"] },
    { key: "p3", ownerUserId: "1", title: "Smart", mediaKind: "video", isSmart: true, entries: null },
  ],
  collections: [
    { key: "c1", libraryId: KIDS.id, title: "Kids Collection", isSmart: false, memberKeys: ["12"] },
    { key: "c2", libraryId: MOVIES.id, title: "Films", isSmart: false, memberKeys: ["10"] },
  ],
});

describe("applyScope", () => {
  it("without options keeps everything", () => {
    const result = applyScope(source, {});
    expect(result.snapshot.items).toHaveLength(4);
    expect(result.excluded).toEqual({ users: 0, libraries: 0, items: 0 });
  });

  it("an excluded user leaves no trace: states, history, playlists go", () => {
    const { snapshot: s, excluded } = applyScope(source, { excludeUsers: ["bob"] });
    expect(s.users.map((u) => u.name)).toEqual(["Alice", "Carol"]);
    expect(s.states.some((row) => row.userId === "2")).toBe(false);
    expect(s.history.some((row) => row.userId === "2")).toBe(false);
    expect(s.playlists.map((p) => p.key)).toEqual(["p1", "p3"]);
    expect(excluded.users).toBe(1);
    expect(JSON.stringify(s)).not.toContain("Bob");
  });

  it("--users selects by name, case-insensitively", () => {
    const { snapshot: s } = applyScope(source, { users: ["ALICE", " carol "] });
    expect(s.users.map((u) => u.id)).toEqual(["1", "3"]);
  });

  it("an excluded library's items, their state and history, and its collections go", () => {
    const { snapshot: s, excluded } = applyScope(source, { excludeLibraries: ["kids movies"] });
    expect(s.items.map((i) => i.key)).toEqual(["10", "20"]);
    expect(s.collections.map((c) => c.title)).toEqual(["Films"]);
    // The identity shared with an included item keeps its state; the kids-only one loses it.
    expect(s.states.map((row) => row.identity)).toEqual([
      "plex://movie/shared",
      episode.identity,
      "plex://orphan",
    ]);
    expect(s.history.map((row) => row.identity)).toEqual([episode.identity]);
    expect(excluded).toEqual({ users: 0, libraries: 1, items: 2 });
    const text = JSON.stringify(s);
    expect(text).not.toContain("Kids");
    expect(text).not.toContain("Secret Kids Title");
  });

  it("playlist entries pointing into excluded libraries are removed and only counted", () => {
    const { snapshot: s } = applyScope(source, { libraries: ["Movies", "TV Shows"] });
    const mix = s.playlists.find((p) => p.key === "p1");
    expect(mix?.entries).toEqual(["10", "20"]);
    expect(mix?.excludedEntryCount).toBe(2);
    expect(s.playlists.find((p) => p.key === "p3")?.entries).toBeNull();
  });

  it("an unknown name in --users or --libraries is a configuration error naming it", () => {
    expect(() => applyScope(source, { users: ["alice", "dave"] })).toThrow(ConfigError);
    expect(() => applyScope(source, { users: ["dave"] })).toThrow(/"dave"/);
    expect(() => applyScope(source, { libraries: ["Music"] })).toThrow(
      /--libraries names an unknown library: "Music"/,
    );
  });

  it("an unknown name in an exclude list is an error too: a typo must not migrate someone", () => {
    expect(() => applyScope(source, { excludeUsers: ["bobb"] })).toThrow(ConfigError);
  });

  it("the hint lists the names one can choose, but not excluded ones", () => {
    try {
      applyScope(source, { users: ["dave"], excludeUsers: ["bob"] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const hint = (error as ConfigError).hint ?? "";
      expect(hint).toContain("Alice");
      expect(hint).toContain("Carol");
      expect(hint).not.toContain("Bob");
    }
  });

  it("a --user-map Plex name that is no account is refused; excluded names pass but are never listed (issue 13 item 7)", () => {
    const map = (from: string) => [{ from, to: "someone" }];
    expect(() => applyScope(source, { userMap: map("Alcie") })).toThrow(
      /--user-map names an unknown user: "Alcie"/,
    );
    expect(() => applyScope(source, { userMap: map(" ALICE ") })).not.toThrow();
    expect(() => applyScope(source, { userMap: map("bob"), excludeUsers: ["bob"] })).not.toThrow();
    try {
      applyScope(source, { userMap: map("dave"), excludeUsers: ["bob"] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).hint).toBe("Known users: Alice, Carol");
    }
  });

  it("exclusion wins over inclusion", () => {
    const { snapshot: s } = applyScope(source, { users: ["alice", "bob"], excludeUsers: ["BOB"] });
    expect(s.users.map((u) => u.name)).toEqual(["Alice"]);
  });
});
