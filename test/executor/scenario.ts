import type { Action, Plan, PlanUserData } from "../../src/planner/plan.js";
import { FakeTarget } from "../helpers/fake-target.js";

export const EMPTY: PlanUserData = {
  played: false,
  playCount: 0,
  lastPlayedAt: null,
  positionMs: 0,
  rating: null,
  isFavorite: false,
};

/** A plan shaped like the planner's, over a fake target prepared to match its `before` values. */
export async function scenario(): Promise<{ fake: FakeTarget; plan: Plan }> {
  const items = Array.from({ length: 12 }, (_, i) => `i${i + 1}`);
  const fake = new FakeTarget({ users: ["alice", "bob"], items });
  const alice = { name: "alice", id: fake.userId("alice") };
  const bob = { name: "bob", id: fake.userId("bob") };
  const carol = { name: "carol", id: null };

  fake.poke(bob.id, "i3", { played: true, playCount: 1, lastPlayedAt: new Date("2020-01-01T00:00:00Z") });
  const bobBefore = { ...EMPTY, played: true, playCount: 1, lastPlayedAt: "2020-01-01T00:00:00.000Z" };
  const roadTrip = (await fake.createPlaylist(bob.id, "Road trip", ["i4"])).id;
  const classics = (await fake.createCollection("Classics", ["i1"])).id;

  const watched = (user: { name: string; id: string | null }, itemId: string, n: number): Action => ({
    key: `watched:${user.name}:${itemId}`,
    type: "set-user-data",
    user,
    itemId,
    title: `Item ${itemId}`,
    sourceItemKeys: [`plex:${itemId}`],
    categories: ["watched"],
    before: EMPTY,
    set: { played: true, playCount: n, lastPlayedAt: `2023-0${(n % 9) + 1}-15T20:00:00.000Z` },
  });

  const actions: Action[] = [
    ...items.slice(0, 6).map((id, n) => watched(alice, id, n + 1)),
    watched(carol, "i1", 2),
    watched(carol, "i2", 3),
    {
      key: "progress:bob:i3",
      type: "set-user-data",
      user: bob,
      itemId: "i3",
      title: "Item i3",
      sourceItemKeys: ["plex:i3"],
      categories: ["watched", "progress", "ratings"],
      before: bobBefore,
      set: { playCount: 4, lastPlayedAt: "2024-05-01T10:00:00.000Z", positionMs: 61_000, rating: 8 },
    },
    {
      key: "user:carol",
      type: "create-user",
      user: carol,
      sourceUserId: "3",
    },
    {
      key: "playlist:alice:Favourites",
      type: "create-playlist",
      user: alice,
      title: "Favourites",
      itemIds: ["i1", "i2", "i3"],
    },
    {
      key: "playlist:carol:Mine",
      type: "create-playlist",
      user: carol,
      title: "Mine",
      itemIds: ["i2", "i1"],
    },
    {
      key: "playlist:bob:Road trip",
      type: "add-playlist-entries",
      user: bob,
      playlistId: roadTrip,
      title: "Road trip",
      before: ["i4"],
      itemIds: ["i5", "i6"],
    },
    { key: "collection:Trilogy", type: "create-collection", title: "Trilogy", itemIds: ["i7", "i8", "i9"] },
    {
      key: "collection:Classics",
      type: "add-collection-members",
      collectionId: classics,
      title: "Classics",
      before: ["i1"],
      itemIds: ["i2", "i10"],
    },
  ];

  const plan = planOf(fake, actions, {
    counts: { users: 1, watched: 9, progress: 1, ratings: 1, playlists: 3, collections: 2 },
  });
  fake.writes = 0;
  fake.writeLog = [];
  fake.appliedWrites = 0;
  fake.requests = 0;
  return { fake, plan };
}

/** A plan of these actions for the fake target; `extra` replaces any of its fields. */
export function planOf(fake: FakeTarget, actions: Action[], extra: Partial<Plan> = {}): Plan {
  return {
    version: 1,
    createdAt: "2024-06-01T12:00:00.000Z",
    source: { kind: "plex-db", serverName: "Plex", serverId: "plex-1", schemaFingerprint: "x" },
    target: {
      kind: "jellyfin",
      version: "10.10.7",
      serverId: fake.info.serverId,
      serverName: "Fake",
      url: fake.info.url,
    },
    options: {
      mode: "merge",
      kinds: ["users", "watched", "progress", "ratings", "playlists", "collections"],
      favoriteMinRating: null,
    },
    users: [],
    actions,
    skipped: [],
    unmatched: [],
    limitations: [],
    counts: { users: 0, watched: 0, progress: 0, ratings: 0, playlists: 0, collections: 0 },
    ...extra,
  };
}
