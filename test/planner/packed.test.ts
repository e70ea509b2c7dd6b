import { describe, expect, it } from "vitest";
import { actionCategories, categoriesAt } from "../../src/planner/build.js";
import { canonicalJson } from "../../src/planner/digest.js";
import { userDataKey } from "../../src/planner/keys.js";
import {
  isPacked,
  PackedUserData,
  packedActions,
  typeAt,
  userDataCategoriesAt,
  userDataTargetAt,
} from "../../src/planner/packed.js";
import type { Action, ActionOf, Category, PlanUserData } from "../../src/planner/plan.js";
import { EMPTY as EMPTY_DATA } from "../executor/scenario.js";

type UserDataAction = ActionOf<"set-user-data">;

// Frozen, as the planner's shared empty value is.
const EMPTY: PlanUserData = Object.freeze({ ...EMPTY_DATA });
const ANN = Object.freeze({ name: "ann", id: "u/1%" });
const BOB = Object.freeze({ name: "bob", id: null });
const WATCHED = Object.freeze(["watched"]) as Category[];
const ALL = Object.freeze(["watched", "progress", "ratings"]) as Category[];
const SOURCES = new Map<string, string[]>();

/** An action as the planner makes it: shared user, categories, titles and source keys. */
function action(
  userKey: string,
  user: typeof ANN | typeof BOB,
  itemId: string,
  set: Partial<PlanUserData>,
  extra: Partial<UserDataAction> = {},
): UserDataAction {
  if (!SOURCES.has(itemId)) SOURCES.set(itemId, Object.freeze([`plex:${itemId}`]) as string[]);
  return {
    key: userDataKey(userKey, itemId, set),
    type: "set-user-data",
    user,
    itemId,
    title: `Title of ${itemId}`,
    sourceItemKeys: SOURCES.get(itemId)!,
    categories: "rating" in set || "positionMs" in set ? ALL : WATCHED,
    before: EMPTY,
    set,
    ...extra,
  };
}

const varied: UserDataAction[] = [
  action("ann", ANN, "i1", { played: true, playCount: 3, lastPlayedAt: "2024-02-03T04:05:06.789Z" }),
  action("ann", ANN, "i/2", { played: false, playCount: 0, lastPlayedAt: null }),
  action("ann", ANN, "i3", { positionMs: 61_500.25, rating: 7.5, isFavorite: true }),
  action("ann", ANN, "i4", { rating: null, isFavorite: false }),
  action("ann", ANN, "i5", { playCount: 4_294_967_295 }),
  action("bob", BOB, "i1", { lastPlayedAt: "1969-12-31T23:59:59.999Z", positionMs: 0 }),
  action("bob", BOB, "i6", { played: true }, { before: { ...EMPTY, played: true, playCount: 2 } }),
];

describe("packed user-data actions", () => {
  it("give back each action equal field for field, in the same key order, with the same digest", () => {
    const packed = new PackedUserData();
    const handles = varied.map((a) => packed.pack(a));
    expect(handles.every((h) => typeof h === "number")).toBe(true);
    expect(packed.size).toBe(varied.length);
    handles.forEach((handle, i) => {
      const back = packed.action(handle as number);
      expect(back).toEqual(varied[i]);
      expect(JSON.stringify(back)).toBe(JSON.stringify(varied[i]));
      expect(canonicalJson(back)).toBe(canonicalJson(varied[i]));
      // Shared values stay shared.
      expect(back.user).toBe(varied[i]!.user);
      expect(back.sourceItemKeys).toBe(varied[i]!.sourceItemKeys);
      expect(back.categories).toBe(varied[i]!.categories);
      expect(packed.userOf(handle as number)).toBe(varied[i]!.user);
      expect(packed.categoriesOf(handle as number)).toBe(varied[i]!.categories);
    });
    expect(() => packed.action(varied.length)).toThrow(RangeError);
  });

  it("keeps as objects the actions it could not give back exactly", () => {
    const packed = new PackedUserData();
    const first = action("ann", ANN, "i1", { played: true });
    expect(typeof packed.pack(first)).toBe("number");
    const odd: UserDataAction[] = [
      // A date that does not read back the same (no milliseconds).
      action("ann", ANN, "i2", { lastPlayedAt: "2024-02-03T04:05:06Z" }),
      // Fields out of their usual order.
      action("ann", ANN, "i3", { playCount: 2, played: true }),
      // A field packing does not know.
      action("ann", ANN, "i4", { played: true, extra: 1 } as Partial<PlanUserData>),
      // The same item under another title or other source keys than its first action's.
      action("bob", BOB, "i1", { played: true }, { title: "Another title" }),
      action("bob", BOB, "i1", { played: true }, { sourceItemKeys: ["plex:other"] }),
      // A key not made by userDataKey.
      action("ann", ANN, "i5", { played: true }, { key: "userdata/ann/i5/ABCDEF012345" }),
      action("ann", ANN, "i6", { played: true }, { key: "custom" }),
      // The same user with a key of another user.
      action("bob", ANN, "i7", { played: true }),
      // An extra property on the action.
      { ...action("ann", ANN, "i8", { played: true }), note: 1 } as UserDataAction,
      // A play count beyond 32 bits.
      action("ann", ANN, "i9", { playCount: 2 ** 32 }),
    ];
    for (const a of odd) expect(packed.pack(a)).toBe(a);
    expect(packed.size).toBe(1);
  });

  it("read as an array: every array method sees the actions, and nothing can change them", () => {
    const packed = new PackedUserData();
    const create: Action = { key: "user/bob", type: "create-user", user: BOB, sourceUserId: "2" };
    const entries: Array<Action | number> = [create, ...varied.map((a) => packed.pack(a))];
    const plain: Action[] = [create, ...varied];
    const actions = packedActions(entries, packed);
    expect(isPacked(actions)).toBe(true);
    expect(isPacked(plain)).toBe(false);
    expect(Array.isArray(actions)).toBe(true);
    expect(actions.length).toBe(plain.length);
    expect(actions[0]).toBe(create);
    expect(actions.at(-1)).toEqual(plain.at(-1));
    expect([...actions]).toEqual(plain);
    expect(actions.map((a) => a.key)).toEqual(plain.map((a) => a.key));
    expect(actions.filter((a) => a.type === "set-user-data")).toEqual(varied);
    const seen: string[] = [];
    actions.forEach((a) => {
      seen.push(a.key);
    });
    expect(seen).toEqual(plain.map((a) => a.key));
    expect(actions.some((a) => a.key === varied[3]!.key)).toBe(true);
    expect(JSON.stringify(actions)).toBe(JSON.stringify(plain));
    expect(plain.map((_, i) => typeAt(actions, i))).toEqual(plain.map((a) => a.type));
    expect(plain.map((_, i) => typeAt(plain, i))).toEqual(plain.map((a) => a.type));
    expect(userDataCategoriesAt(actions, 3)).toBe(varied[2]!.categories);
    expect(() => userDataCategoriesAt(actions, 0)).toThrow(TypeError);
    const targetOf = (a: Action) =>
      a.type === "set-user-data" ? { user: a.user, itemId: a.itemId } : undefined;
    expect(plain.map((_, i) => userDataTargetAt(actions, i))).toEqual(plain.map(targetOf));
    expect(plain.map((_, i) => userDataTargetAt(plain, i))).toEqual(plain.map(targetOf));
    expect(userDataTargetAt(actions, 1)!.user).toBe(varied[0]!.user);
    expect(plain.map((_, i) => categoriesAt(actions, i))).toEqual(plain.map(actionCategories));
    expect(canonicalJson(actions)).toBe(canonicalJson(plain));
    expect(actions).toEqual(plain);
    expect(() => {
      (actions as Action[])[1] = create;
    }).toThrow(TypeError);
    expect(() => (actions as Action[]).push(create)).toThrow(TypeError);
    expect(actions.length).toBe(plain.length);
  });
});
