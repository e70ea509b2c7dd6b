import { PlexodusError } from "../errors.js";
import {
  EMPTY_USER_DATA,
  EMPTY_WATCH_STATE,
  type Item,
  LEAF_KINDS,
  type Mode,
  type TargetUserData,
} from "../model/index.js";
import type { SnapshotIndex } from "./context.js";
import { displayTitle } from "./context.js";
import { userDataKey } from "./keys.js";
import type { PackedUserData } from "./packed.js";
import { type ActionOf, CATEGORIES, type Category, type PlanUserData, type Skip } from "./plan.js";
import type { TargetState } from "./state.js";
import {
  categoriesOf,
  combineStates,
  type FieldPolicy,
  type SourceState,
  toPlanChange,
  toPlanUserData,
  USER_DATA_FIELDS,
  wantedChange,
} from "./userdata.js";
import { knownCategories, type PlannedUser } from "./users.js";

export interface UserDataOptions {
  mode: Mode;
  kinds: ReadonlySet<Category>;
  favoriteMinRating: number | null;
  /** False on targets without an absolute user-data write (Jellyfin 10.8). */
  canWrite: boolean;
  /**
   * Where actions beyond the first `packFrom` are kept as columns (see packed.ts); without
   * it, every action is an object.
   */
  packed?: { into: PackedUserData; from: number };
}

export interface UserDataResult {
  /** Actions, or handles of actions kept in `options.packed`. */
  actions: Array<ActionOf<"set-user-data"> | number>;
  skipped: Skip[];
  /** Fields that would have changed but cannot be written, for the limitations text. */
  blockedFields: Set<string>;
  blockedItems: number;
}

const USER_DATA_CATEGORIES = ["watched", "progress", "ratings"] as const;

/**
 * What actions can share instead of each holding a copy (a plan can hold millions): the
 * `before` of every item a new user has no data for, one array per set of categories, and
 * one display title per target item. Shared values are frozen, so nothing can change one
 * action's through another's.
 */
interface Shared {
  emptyBefore: PlanUserData;
  categories: Map<string, Category[]>;
  titles: Map<string, string>;
}

function sharedValues(): Shared {
  return {
    emptyBefore: Object.freeze(toPlanUserData(EMPTY_USER_DATA)) as PlanUserData,
    categories: new Map(),
    titles: new Map(),
  };
}

function sharedCategories(shared: Shared, categories: Category[]): Category[] {
  const name = categories.join(",");
  let found = shared.categories.get(name);
  if (found === undefined) {
    found = Object.freeze(categories) as Category[];
    shared.categories.set(name, found);
  }
  return found;
}

function sharedTitle(shared: Shared, itemId: string, first: Item, index: SnapshotIndex): string {
  let title = shared.titles.get(itemId);
  if (title === undefined) {
    title = displayTitle(first, index.itemsByKey);
    shared.titles.set(itemId, title);
  }
  return title;
}

/**
 * The source state one person has for the items on one target item, with the last-played
 * fallback to history (SEMANTICS §3): plays without a state date the last play and never make
 * an item played, whichever source was read. Where a source infers played state from plays
 * (the Plex API for accounts other than the owner, SEMANTICS §8), its reader says so by giving
 * those states itself and marking the account's `inferredFields`.
 */
function sourceStateOf(index: SnapshotIndex, userId: string, identity: string): SourceState | null {
  const state = index.states.get(userId)?.get(identity);
  const history = index.history.get(userId)?.get(identity);
  if (state) {
    return { ...state, lastPlayedAt: state.lastPlayedAt ?? history?.lastViewedAt ?? null };
  }
  if (!history) return null;
  return { ...EMPTY_WATCH_STATE, lastPlayedAt: history.lastViewedAt };
}

function currentData(state: TargetState, user: PlannedUser, itemId: string): TargetUserData {
  if (user.ref.id === null) return EMPTY_USER_DATA;
  const data = state.userData.get(user.ref.id)?.get(itemId);
  if (data === undefined) {
    // Planning against a value we never read would make "merge" guess; refuse instead.
    throw new PlexodusError(
      "bug",
      `target user data for user "${user.ref.name}" and item ${itemId} was not read before planning`,
    );
  }
  return data;
}

export function planUserData(
  index: SnapshotIndex,
  users: readonly PlannedUser[],
  needed: ReadonlyMap<string, ReadonlySet<string>>,
  state: TargetState,
  options: UserDataOptions,
): UserDataResult {
  const result: UserDataResult = { actions: [], skipped: [], blockedFields: new Set(), blockedItems: 0 };
  const shared = sharedValues();
  for (const user of users) {
    const itemIds = new Set<string>();
    for (const source of user.sources) for (const id of needed.get(source.id) ?? []) itemIds.add(id);
    // Per category: the source accounts that may speak for it (the others' state is unknown).
    const speakers = USER_DATA_CATEGORIES.map((category) => ({
      sources: user.sources.filter((source) => knownCategories(source, options.kinds).has(category)),
      leaf: policyFor(category, true, options),
      container: policyFor(category, false, options),
    })).filter((entry) => entry.sources.length > 0);
    const blocked = new Map<Category, number>();
    const userActions: ActionOf<"set-user-data">[] = [];

    for (const itemId of [...itemIds].sort()) {
      const sourceKeys = index.sourcesOf.get(itemId) ?? [];
      const items = sourceKeys.flatMap((key) => index.itemsByKey.get(key) ?? []);
      const first = items[0];
      if (first === undefined) continue;
      const identities = [...new Set(items.map((item) => item.identity))];
      const current = currentData(state, user, itemId);
      const change: Partial<TargetUserData> = {};
      const leaf = LEAF_KINDS.has(first.kind);
      for (const speaker of speakers) {
        const states: SourceState[] = [];
        for (const source of speaker.sources) {
          for (const identity of identities) {
            const found = sourceStateOf(index, source.id, identity);
            if (found) states.push(found);
          }
        }
        Object.assign(
          change,
          wantedChange(current, combineStates(states), leaf ? speaker.leaf : speaker.container),
        );
      }
      const categories = categoriesOf(change);
      if (categories.length === 0) continue;
      if (!options.canWrite) {
        for (const category of categories) blocked.set(category, (blocked.get(category) ?? 0) + 1);
        for (const field of USER_DATA_FIELDS) if (field in change) result.blockedFields.add(field);
        result.blockedItems += 1;
        continue;
      }
      const set = toPlanChange(change);
      userActions.push({
        key: userDataKey(user.key, itemId, set),
        type: "set-user-data",
        user: user.ref,
        itemId,
        title: sharedTitle(shared, itemId, first, index),
        sourceItemKeys: sourceKeys,
        categories: sharedCategories(shared, categories),
        before: current === EMPTY_USER_DATA ? shared.emptyBefore : toPlanUserData(current),
        set,
      });
    }
    // A loop, not push(...): a spread of a user's hundreds of thousands of actions overflows the stack.
    const { packed } = options;
    for (const action of sortUserDataActions(userActions)) {
      result.actions.push(
        packed !== undefined && result.actions.length >= packed.from ? packed.into.pack(action) : action,
      );
    }
    for (const [category, count] of [...blocked].sort(
      (a, b) => CATEGORIES.indexOf(a[0]) - CATEGORIES.indexOf(b[0]),
    )) {
      result.skipped.push({
        category,
        reason: "target-cannot-write",
        subject: user.ref.name,
        detail: `${count} item${count === 1 ? "" : "s"} would change, but the target has no absolute user-data write`,
        count,
      });
    }
  }
  return result;
}

function policyFor(category: Category, leaf: boolean, options: UserDataOptions): FieldPolicy {
  return {
    mode: options.mode,
    categories: new Set([category]),
    favoriteMinRating: options.favoriteMinRating,
    leaf,
  };
}

/** Sorts with precomputed keys: plans can hold millions of these. */
function sortUserDataActions(actions: ActionOf<"set-user-data">[]): ActionOf<"set-user-data">[] {
  const decorated = actions.map((action) => ({
    rank: CATEGORIES.indexOf(action.categories[0] ?? "watched"),
    action,
  }));
  decorated.sort((a, b) => a.rank - b.rank || compareUserDataActions(a.action, b.action));
  return decorated.map((entry) => entry.action);
}

/** Per user: by the first category an action touches, then title, then item id. */
export function compareUserDataActions(a: ActionOf<"set-user-data">, b: ActionOf<"set-user-data">): number {
  const ca = CATEGORIES.indexOf(a.categories[0] ?? "watched");
  const cb = CATEGORIES.indexOf(b.categories[0] ?? "watched");
  if (ca !== cb) return ca - cb;
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  return a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0;
}
