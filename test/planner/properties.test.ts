import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { UserMappingResult } from "../../src/match/types.js";
import type {
  Collection,
  Item,
  Playlist,
  TargetPlaylist,
  TargetUserData,
  WatchState,
} from "../../src/model/index.js";
import { CATEGORIES, type Category, PlanSchema } from "../../src/planner/plan.js";
import type { TargetState } from "../../src/planner/state.js";
import { applyPlanToState } from "../helpers/simulate.js";
import {
  item,
  MOVIES,
  matches,
  plan,
  readNeeded,
  remap,
  type Scenario,
  SHOWS,
  server,
  snapshot,
  user,
} from "./helpers.js";

/** Random but well-formed scenarios: shared identities, many-to-one matches, created users. */

const BASE = Date.UTC(2024, 0, 1);
const date = fc.option(
  fc.integer({ min: 0, max: 2_000_000 }).map((s) => new Date(BASE + s * 1000)),
  { nil: null },
);
// Targets may hand back fractions of a second.
const targetDate = fc.option(
  fc.integer({ min: 0, max: 2_000_000_000 }).map((ms) => new Date(BASE + ms)),
  { nil: null },
);
const rating = fc.option(
  fc.integer({ min: 0, max: 20 }).map((n) => n / 2),
  { nil: null },
);

const userData: fc.Arbitrary<TargetUserData> = fc.record({
  played: fc.boolean(),
  playCount: fc.integer({ min: 0, max: 5 }),
  lastPlayedAt: targetDate,
  positionMs: fc.constantFrom(0, 0, 1234, 60_000),
  rating,
  isFavorite: fc.boolean(),
});

const sourceState = fc.record({
  playCount: fc.integer({ min: 0, max: 6 }),
  lastPlayedAt: date,
  positionMs: fc.constantFrom(0, 0, 5000, 90_000),
  rating,
  ratedAt: date,
});

const scenarioArb = fc
  .record({
    userRules: fc.array(fc.constantFrom("existing", "create", "unmapped", "shared"), {
      minLength: 1,
      maxLength: 3,
    }),
    itemSpecs: fc.array(
      fc.record({
        container: fc.boolean(),
        identity: fc.integer({ min: 0, max: 4 }),
        target: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
        deleted: fc.boolean(),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    states: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 }), sourceState), {
      maxLength: 10,
    }),
    history: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 }), date), {
      maxLength: 4,
    }),
    targetData: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 }), userData), {
      maxLength: 8,
    }),
    playlists: fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom("A", "B"),
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 5 }),
      ),
      { maxLength: 3 },
    ),
    targetPlaylists: fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom("A", "B"),
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      ),
      { maxLength: 2 },
    ),
    collections: fc.array(
      fc.tuple(
        fc.constantFrom("X", "Y"),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }),
      ),
      { maxLength: 3 },
    ),
    targetCollections: fc.array(
      fc.tuple(fc.constantFrom("X", "Y"), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 })),
      {
        maxLength: 2,
      },
    ),
    mode: fc.constantFrom("merge" as const, "mirror" as const),
    kinds: fc.subarray([...CATEGORIES], { minLength: 1 }),
    favoriteMinRating: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  })
  .map((r): Scenario => {
    const users = r.userRules.map((_, i) => user(String(i + 1), `user${i + 1}`));
    const mapping: UserMappingResult = { mapped: [], unmapped: [] };
    r.userRules.forEach((rule, i) => {
      const id = String(i + 1);
      if (rule === "unmapped")
        mapping.unmapped.push({ sourceUserId: id, reason: "unmapped", detail: "no such user" });
      else if (rule === "create")
        mapping.mapped.push({
          sourceUserId: id,
          targetName: `user${id}`,
          targetUserId: null,
          rule: "create",
        });
      else if (rule === "shared" && i > 0)
        mapping.mapped.push({ sourceUserId: id, targetName: "USER1", targetUserId: "t1", rule: "user-map" });
      else
        mapping.mapped.push({
          sourceUserId: id,
          targetName: `user${id}`,
          targetUserId: `t${id}`,
          rule: "name",
        });
    });
    // Shared mappings point at t1: make sure it exists and is the first user's own.
    if (mapping.mapped.some((m) => m.targetUserId === "t1")) {
      mapping.mapped = mapping.mapped.map((m) =>
        m.sourceUserId === "1" ? { ...m, targetName: "user1", targetUserId: "t1", rule: "name" } : m,
      );
      mapping.unmapped = mapping.unmapped.filter((m) => m.sourceUserId !== "1");
    }
    const existing = [...new Set(mapping.mapped.flatMap((m) => (m.targetUserId ? [m.targetUserId] : [])))];
    const items: Item[] = r.itemSpecs.map((spec, i) =>
      item(String(10 + i), {
        kind: spec.container ? "show" : "movie",
        libraryId: spec.container ? SHOWS.id : MOVIES.id,
        identity: `${spec.container ? "show" : "movie"}/${spec.identity}`,
        isDeleted: spec.deleted,
      }),
    );
    const pairs: Record<string, string> = {};
    r.itemSpecs.forEach((spec, i) => {
      if (spec.target !== null) pairs[String(10 + i)] = `${spec.container ? "S" : "M"}${spec.target}`;
    });
    const statesByKey = new Map<string, WatchState>();
    for (const [u, identity, s] of r.states) {
      const userId = String((u % users.length) + 1);
      for (const kind of ["movie", "show"]) {
        statesByKey.set(`${userId}|${kind}/${identity}`, {
          userId,
          identity: `${kind}/${identity}`,
          played: s.playCount > 0,
          ...s,
        });
      }
    }
    const history = new Map<
      string,
      { userId: string; identity: string; plays: number; lastViewedAt: Date }
    >();
    for (const [u, identity, when] of r.history) {
      if (when === null) continue;
      const userId = String((u % users.length) + 1);
      history.set(`${userId}|${identity}`, {
        userId,
        identity: `movie/${identity}`,
        plays: 1,
        lastViewedAt: when,
      });
    }
    const targetIds = [...new Set(Object.values(pairs))];
    const data = new Map<string, Map<string, TargetUserData>>();
    for (const [u, t, value] of r.targetData) {
      const userId = existing[u % Math.max(existing.length, 1)];
      const itemId = targetIds[t % Math.max(targetIds.length, 1)];
      if (userId === undefined || itemId === undefined) continue;
      const inner = data.get(userId) ?? new Map();
      inner.set(itemId, value);
      data.set(userId, inner);
    }
    const playlists: Playlist[] = r.playlists.map(([u, title, entries], i) => ({
      key: `p${i}`,
      ownerUserId: String((u % users.length) + 1),
      title,
      mediaKind: "video",
      isSmart: false,
      entries: entries.map((n) => String(10 + (n % items.length))),
    }));
    const targetPlaylists = new Map<string, TargetPlaylist[]>();
    r.targetPlaylists.forEach(([u, title, entries], i) => {
      const userId = existing[u % Math.max(existing.length, 1)];
      if (userId === undefined) return;
      const list = targetPlaylists.get(userId) ?? [];
      const ids = [...new Set(entries.flatMap((n) => targetIds[n % Math.max(targetIds.length, 1)] ?? []))];
      list.push({
        id: `TP${i}`,
        title,
        ownerUserId: userId,
        entries: ids.map((itemId, k) => ({ itemId, entryId: `e${i}.${k}` })),
      });
      targetPlaylists.set(userId, list);
    });
    const collections: Collection[] = r.collections.map(([title, smart, members], i) => ({
      key: `c${i}`,
      libraryId: MOVIES.id,
      title,
      isSmart: smart,
      memberKeys: smart ? null : members.map((n) => String(10 + (n % items.length))),
    }));
    const state: TargetState = {
      users: existing.map((id) => ({
        id,
        name: id === "t1" ? "user1" : `user${id.slice(1)}`,
        isAdmin: false,
      })),
      userData: data,
      playlists: targetPlaylists,
      collections: r.targetCollections.map(([title, members], i) => ({
        id: `TC${i}`,
        title,
        memberIds: [...new Set(members.flatMap((n) => targetIds[n % Math.max(targetIds.length, 1)] ?? []))],
      })),
    };
    return {
      snapshot: snapshot({
        users,
        libraries: [MOVIES, SHOWS],
        items,
        states: [...statesByKey.values()],
        history: [...history.values()],
        playlists,
        collections,
      }),
      users: mapping,
      matches: matches(pairs),
      state,
      server: server(),
      mode: r.mode,
      kinds: r.kinds as Category[],
      ...(r.favoriteMinRating === undefined ? {} : { favoriteMinRating: r.favoriteMinRating }),
    };
  });

/** The state a correct executor leaves, with the user data a rerun would read filled in. */
function applied(s: Scenario) {
  const first = plan(s);
  const state = applyPlanToState(
    first,
    readNeeded(s.snapshot, s.users, s.matches, s.mode ?? "merge", s.state),
  );
  return { first, state, users: remap(s.users, state) };
}

function shuffle<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("planner properties", () => {
  it("merge never decreases a play count or unplays an item", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const merge = { ...s, mode: "merge" as const };
        const { first } = applied(merge);
        for (const action of first.actions) {
          if (action.type !== "set-user-data") continue;
          if (action.set.played !== undefined) expect(action.set.played).toBe(true);
          if (action.set.playCount !== undefined) {
            expect(action.set.playCount).toBeGreaterThan(action.before.playCount);
          }
          if (action.set.rating !== undefined) expect(action.before.rating).toBeNull();
          if (action.set.isFavorite !== undefined) expect(action.set.isFavorite).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("planning against the state the plan produces yields an empty plan (merge and mirror)", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state, users } = applied(s);
        const second = plan({ ...s, users, state });
        expect(second.actions).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("applying a plan's actions in any order yields the same state", () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (s, seed) => {
        const read = readNeeded(s.snapshot, s.users, s.matches, s.mode ?? "merge", s.state);
        const first = plan(s);
        const inOrder = applyPlanToState(first, read);
        const shuffled = applyPlanToState({ actions: shuffle(first.actions, seed) }, read);
        expect(shuffled).toEqual(inOrder);
      }),
      { numRuns: 300 },
    );
  });

  it("the plan is deterministic and valid against the schema", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const first = plan(s);
        expect(PlanSchema.parse(first)).toEqual(first);
        expect(JSON.stringify(plan(s))).toBe(JSON.stringify(first));
      }),
      { numRuns: 100 },
    );
  });
});
