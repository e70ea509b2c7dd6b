import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/planner/build.js";
import { PlanSchema } from "../../src/planner/plan.js";
import { emptyTargetState } from "../../src/planner/state.js";
import {
  data,
  item,
  MOVIES,
  mappedByName,
  matches,
  NOW,
  plan,
  SHOWS,
  server,
  snapshot,
  targetState,
  user,
  userDataActions,
  watch,
} from "./helpers.js";

const alice = user("1", "alice");
const bob = user("2", "bob");
const when = new Date("2024-05-01T12:00:00Z");

describe("watched state per mapped user", () => {
  it("plans one set-user-data action with before and only the changing fields", () => {
    const m = item("10", { title: "The Matrix", year: 1999 });
    const p = plan({
      snapshot: snapshot({
        items: [m],
        states: [watch("1", m.identity, { played: true, playCount: 3, lastPlayedAt: when })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice], { userData: new Map([["t1", new Map([["T10", data({ rating: 5 })]])]]) }),
    });
    expect(PlanSchema.parse(p)).toEqual(p);
    const [action] = userDataActions(p);
    expect(action).toMatchObject({
      type: "set-user-data",
      user: { name: "alice", id: "t1" },
      itemId: "T10",
      title: "The Matrix (1999)",
      sourceItemKeys: ["10"],
      categories: ["watched"],
      before: {
        played: false,
        playCount: 0,
        lastPlayedAt: null,
        positionMs: 0,
        rating: 5,
        isFavorite: false,
      },
      set: { played: true, playCount: 3, lastPlayedAt: "2024-05-01T12:00:00.000Z" },
    });
    expect(action?.key.startsWith("userdata/alice/T10/")).toBe(true);
    expect(p.counts).toEqual({ users: 0, watched: 1, progress: 0, ratings: 0, playlists: 0, collections: 0 });
  });

  it("one state row applies to every item carrying its identity, deleted ones included", () => {
    const a = item("10", { identity: "plex://movie/x" });
    const b = item("11", { identity: "plex://movie/x", libraryId: "3", isDeleted: true });
    const p = plan({
      snapshot: snapshot({
        items: [a, b],
        libraries: [MOVIES, { ...MOVIES, id: "3", name: "4K" }],
        states: [watch("1", "plex://movie/x", { played: true, playCount: 2 })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10", "11": "T11" }),
      state: targetState([alice]),
    });
    expect(userDataActions(p).map((a) => [a.itemId, a.set.playCount])).toEqual([
      ["T10", 2],
      ["T11", 2],
    ]);
  });

  it("several Plex items on one target item combine before planning", () => {
    const ep1 = item("20", { kind: "episode", title: "Part 1", libraryId: SHOWS.id });
    const ep2 = item("21", { kind: "episode", title: "Part 2", libraryId: SHOWS.id });
    const p = plan({
      snapshot: snapshot({
        libraries: [MOVIES, SHOWS],
        items: [ep1, ep2],
        states: [
          watch("1", ep1.identity, { played: true, playCount: 1, lastPlayedAt: when, positionMs: 0 }),
          watch("1", ep2.identity, {
            playCount: 0,
            lastPlayedAt: new Date("2024-05-02T00:00:00Z"),
            positionMs: 7000,
          }),
        ],
      }),
      users: mappedByName([alice]),
      matches: matches({ "20": "T20", "21": "T20" }),
      state: targetState([alice]),
    });
    const actions = userDataActions(p);
    expect(actions).toHaveLength(1);
    expect(actions[0]?.sourceItemKeys).toEqual(["20", "21"]);
    expect(actions[0]?.set).toEqual({
      played: true,
      playCount: 1,
      lastPlayedAt: "2024-05-02T00:00:00.000Z",
      positionMs: 7000,
    });
  });

  it("last played falls back to the latest history view when the state has no date", () => {
    const m = item("10");
    const p = plan({
      snapshot: snapshot({
        items: [m],
        states: [watch("1", m.identity, { played: true, playCount: 1 })],
        history: [{ userId: "1", identity: m.identity, plays: 1, lastViewedAt: when }],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice]),
    });
    expect(userDataActions(p)[0]?.set.lastPlayedAt).toBe("2024-05-01T12:00:00.000Z");
  });

  it("container ratings migrate (rating only)", () => {
    const show = item("30", { kind: "show", title: "Dark", libraryId: SHOWS.id });
    const p = plan({
      snapshot: snapshot({
        libraries: [MOVIES, SHOWS],
        items: [show],
        states: [watch("1", show.identity, { rating: 9, playCount: 4, played: true })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "30": "S30" }),
      state: targetState([alice]),
    });
    expect(userDataActions(p).map((a) => [a.categories, a.set])).toEqual([[["ratings"], { rating: 9 }]]);
  });

  it("nothing is planned where the target already holds the value", () => {
    const m = item("10");
    const p = plan({
      snapshot: snapshot({
        items: [m],
        states: [watch("1", m.identity, { played: true, playCount: 2, lastPlayedAt: when })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice], {
        userData: new Map([
          ["t1", new Map([["T10", data({ played: true, playCount: 2, lastPlayedAt: when })]])],
        ]),
      }),
    });
    expect(p.actions).toEqual([]);
  });

  it("--only/--skip kinds are respected per field", () => {
    const m = item("10");
    const p = plan({
      snapshot: snapshot({
        items: [m],
        states: [watch("1", m.identity, { played: true, playCount: 2, positionMs: 500, rating: 7 })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice]),
      kinds: ["progress", "ratings"],
    });
    expect(userDataActions(p)[0]?.set).toEqual({ positionMs: 500, rating: 7 });
    expect(userDataActions(p)[0]?.categories).toEqual(["progress", "ratings"]);
    expect(p.counts).toMatchObject({ watched: 0, progress: 1, ratings: 1 });
    expect(p.options.kinds).toEqual(["progress", "ratings"]);
  });

  it("mirror mode covers every matched leaf of a mapped user, with or without Plex state", () => {
    const a = item("10");
    const b = item("11");
    const p = plan({
      snapshot: snapshot({ items: [a, b], states: [watch("1", a.identity, { played: true, playCount: 1 })] }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10", "11": "T11" }),
      state: targetState([alice], {
        userData: new Map([["t1", new Map([["T11", data({ played: true, playCount: 4, rating: 2 })]])]]),
      }),
      mode: "mirror",
    });
    expect(userDataActions(p).map((x) => [x.itemId, x.set])).toEqual([
      ["T10", { played: true, playCount: 1 }],
      ["T11", { played: false, playCount: 0, rating: null }],
    ]);
  });

  it("refuses to plan against user data that was never read", () => {
    const m = item("10");
    expect(() =>
      buildPlan({
        snapshot: snapshot({ items: [m], states: [watch("1", m.identity, { played: true, playCount: 1 })] }),
        users: mappedByName([alice]),
        matches: matches({ "10": "T10" }),
        server: server(),
        state: targetState([alice]),
        options: { mode: "merge", kinds: new Set(["watched"]) },
        now: NOW,
      }),
    ).toThrow(/was not read/);
  });
});

describe("users", () => {
  it("create-user per created mapping; its writes carry a null id resolved by name", () => {
    const m = item("10");
    const p = plan({
      snapshot: snapshot({
        users: [alice, bob],
        items: [m],
        states: [watch("2", m.identity, { played: true, playCount: 1 })],
      }),
      users: {
        mapped: [
          { sourceUserId: "1", targetName: "alice", targetUserId: "t1", rule: "name" },
          { sourceUserId: "2", targetName: "bob", targetUserId: null, rule: "create" },
        ],
        unmapped: [],
      },
      matches: matches({ "10": "T10" }),
      state: targetState([alice]),
    });
    expect(p.actions[0]).toEqual({
      key: "user/bob",
      type: "create-user",
      user: { name: "bob", id: null },
      sourceUserId: "2",
    });
    expect(userDataActions(p)[0]?.user).toEqual({ name: "bob", id: null });
    expect(p.users.map((u) => u.rule)).toEqual(["name", "create"]);
    expect(p.counts.users).toBe(1);
  });

  it("no creation when the users kind is off, and nothing planned for that account", () => {
    const m = item("10");
    const p = plan({
      snapshot: snapshot({
        users: [bob],
        items: [m],
        states: [watch("2", m.identity, { played: true, playCount: 1 })],
      }),
      users: {
        mapped: [{ sourceUserId: "2", targetName: "bob", targetUserId: null, rule: "create" }],
        unmapped: [],
      },
      matches: matches({ "10": "T10" }),
      state: emptyTargetState(),
      kinds: ["watched"],
    });
    expect(p.actions).toEqual([]);
    expect(p.skipped).toContainEqual(
      expect.objectContaining({ category: "users", reason: "creation-skipped", subject: "bob" }),
    );
  });

  it("unmapped accounts are listed and skipped with their reason, and their data is never planned", () => {
    const m = item("10");
    const carol = user("3", "carol");
    const p = plan({
      snapshot: snapshot({
        users: [alice, bob, carol],
        items: [m],
        states: [
          watch("2", m.identity, { played: true, playCount: 5 }),
          watch("3", m.identity, { played: true, playCount: 6, rating: 3 }),
        ],
        playlists: [
          {
            key: "p1",
            ownerUserId: "2",
            title: "Bob's",
            mediaKind: "video",
            isSmart: false,
            entries: ["10"],
          },
        ],
      }),
      users: {
        mapped: [{ sourceUserId: "1", targetName: "alice", targetUserId: "t1", rule: "name" }],
        unmapped: [
          { sourceUserId: "2", reason: "unmapped", detail: "no target user named bob" },
          { sourceUserId: "3", reason: "map-target-missing", detail: "--user-map names a missing user" },
        ],
      },
      matches: matches({ "10": "T10" }),
      state: targetState([alice]),
    });
    expect(p.actions).toEqual([]);
    expect(p.users.map((u) => [u.sourceName, u.rule, u.targetName])).toEqual([
      ["alice", "name", "alice"],
      ["bob", "unmapped", null],
      ["carol", "map-target-missing", null],
    ]);
    expect(p.skipped.map((s) => [s.subject, s.reason])).toEqual([
      ["bob", "unmapped"],
      ["carol", "map-target-missing"],
    ]);
    // Rules and reasons are vocabularies: a plan file with a word outside them is refused.
    const saved = JSON.parse(JSON.stringify(p));
    expect(PlanSchema.safeParse(saved).success).toBe(true);
    expect(PlanSchema.safeParse({ ...saved, users: [{ ...saved.users[1], rule: "unmaped" }] }).success).toBe(
      false,
    );
    expect(
      PlanSchema.safeParse({ ...saved, skipped: [{ ...saved.skipped[0], reason: "unmaped" }] }).success,
    ).toBe(false);
  });
});

describe("target limitations", () => {
  it("Jellyfin 10.8: no set-user-data actions; limitations and skipped say what was not migrated", () => {
    const m = item("10");
    const p = plan({
      snapshot: snapshot({
        items: [m],
        states: [watch("1", m.identity, { played: true, playCount: 2, rating: 8 })],
      }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10" }),
      state: targetState([alice]),
      server: { ...server({ userDataWrite: false }), version: "10.8.13" },
    });
    expect(userDataActions(p)).toEqual([]);
    expect(p.limitations.join("\n")).toMatch(
      /10\.8\.13 has no absolute user-data write: played, play counts, ratings of 1 item/,
    );
    expect(p.skipped.map((s) => [s.category, s.reason, s.count])).toEqual([
      ["watched", "target-cannot-write", 1],
      ["ratings", "target-cannot-write", 1],
    ]);
  });

  it("fields the source cannot know (API source) are never planned, not even as mirror defaults", () => {
    const m = item("10");
    const friend = user("2", "friend", {
      unknownFields: ["progress", "ratings", "playlists"],
      inferredFields: ["watched"],
    });
    const p = plan({
      snapshot: snapshot({
        source: { ...snapshot().source, kind: "plex-api" },
        users: [friend],
        items: [m],
        // As the API reader gives another account's state: inferred from its plays.
        states: [watch("2", m.identity, { played: true, playCount: 3, lastPlayedAt: when })],
        history: [{ userId: "2", identity: m.identity, plays: 3, lastViewedAt: when }],
        playlists: [
          { key: "p1", ownerUserId: "2", title: "Mine", mediaKind: "video", isSmart: false, entries: ["10"] },
        ],
      }),
      users: mappedByName([friend]),
      matches: matches({ "10": "T10" }),
      state: targetState([friend], {
        userData: new Map([["t2", new Map([["T10", data({ positionMs: 900, rating: 4 })]])]]),
      }),
      mode: "mirror",
    });
    expect(p.actions).toHaveLength(1);
    expect(userDataActions(p)[0]?.set).toEqual({
      played: true,
      playCount: 3,
      lastPlayedAt: "2024-05-01T12:00:00.000Z",
    });
    expect(p.skipped.filter((s) => s.reason === "unknown-in-source").map((s) => s.category)).toEqual([
      "progress",
      "ratings",
      "playlists",
    ]);
    // Issue 13 item 14: the inferred played state is said, naming the account.
    expect(p.limitations.join("\n")).toContain(
      "The played state of 1 account(s) (friend) comes from their play history",
    );
  });

  it("plays without a state only date the last play, whatever the source kind (issue 13 item 14)", () => {
    const m = item("10");
    for (const kind of ["plex-db", "plex-api"] as const) {
      const owner = user("1", "owner");
      const p = plan({
        snapshot: snapshot({
          source: { ...snapshot().source, kind },
          users: [owner],
          items: [m],
          history: [{ userId: "1", identity: m.identity, plays: 2, lastViewedAt: when }],
        }),
        users: mappedByName([owner]),
        matches: matches({ "10": "T10" }),
        state: targetState([owner]),
      });
      expect(userDataActions(p).map((a) => a.set)).toEqual([{ lastPlayedAt: "2024-05-01T12:00:00.000Z" }]);
      expect(p.limitations).toEqual([]);
    }
  });
});

describe("unmatched", () => {
  it("lists items with state, in playlists or collections that found no target item, with the matcher's reason", () => {
    const seen = item("10", { title: "Seen" });
    const listed = item("11", { title: "Listed" });
    const collected = item("12", { title: "Collected" });
    const ignored = item("13", { title: "Nobody cares" });
    const p = plan({
      snapshot: snapshot({
        items: [seen, listed, collected, ignored],
        states: [watch("1", seen.identity, { played: true, playCount: 1 })],
        playlists: [
          { key: "p", ownerUserId: "1", title: "L", mediaKind: "video", isSmart: false, entries: ["11"] },
        ],
        collections: [{ key: "c", libraryId: "1", title: "C", isSmart: false, memberKeys: ["12"] }],
      }),
      users: mappedByName([alice]),
      matches: matches({}, [
        ["10", "ambiguous", "2 candidates share title and year"],
        ["11", "no-candidate", "nothing with these ids"],
        ["12", "id-conflict", "imdb agrees, tmdb differs"],
        ["13", "no-candidate", "nothing"],
      ]),
      state: targetState([alice]),
    });
    expect(p.unmatched.map((u) => [u.title, u.reason, u.library])).toEqual([
      ["Collected (2000)", "id-conflict", "Movies"],
      ["Listed (2000)", "no-candidate", "Movies"],
      ["Seen (2000)", "ambiguous", "Movies"],
    ]);
  });
});

describe("determinism", () => {
  it("the same input gives a byte-identical plan, whatever the input order", () => {
    const items = ["10", "11", "12"].map((k) => item(k));
    const states = items.map((it, i) => watch("1", it.identity, { played: true, playCount: i + 1 }));
    const input = {
      snapshot: snapshot({ items, states }),
      users: mappedByName([alice]),
      matches: matches({ "10": "T10", "11": "T11", "12": "T12" }),
      state: targetState([alice]),
    };
    const first = JSON.stringify(plan(input));
    expect(JSON.stringify(plan(input))).toBe(first);
    const shuffled = {
      ...input,
      snapshot: snapshot({ items: [...items].reverse(), states: [...states].reverse() }),
    };
    expect(JSON.stringify(plan(shuffled))).toBe(first);
  });
});
