import { keyPart } from "./keys.js";
import type { Action, ActionOf, Category, PlanUserData, PlanUserRef } from "./plan.js";
import { USER_DATA_FIELDS } from "./userdata.js";

type UserDataAction = ActionOf<"set-user-data">;

/**
 * User-data actions kept as columns instead of objects (issue 14, scale). As objects, each
 * takes about 290 bytes (the action, its `set`, the ISO date and the key): 1.78 million of
 * them at 200,000 items × 50 users held 530 MB through the whole run. Here one takes about
 * 48 bytes; `action(handle)` gives the same object back, equal field for field and in the
 * same key order, made anew on each call.
 *
 * `pack` keeps an action only when it can give it back exactly; any other (an unusual key,
 * a value of an unexpected type, a title not the item's) stays an object, so packing never
 * changes a plan, only where it is held.
 */
export class PackedUserData {
  private readonly blocks: Block[] = [];
  private rows = 0;
  private readonly users: { ref: PlanUserRef; prefix: string }[] = [];
  private readonly userIndex = new Map<PlanUserRef, number>();
  private readonly items: { id: string; part: string; title: string; sources: string[] }[] = [];
  private readonly itemIndex = new Map<string, number>();
  /** What actions share: categories, which `set` fields they have and the booleans among them. */
  private readonly shapes: Shape[] = [];
  private readonly shapeIndex = new Map<string, number>();
  /** `before` values by identity: most are the one shared value of a user with no data. */
  private readonly befores: PlanUserData[] = [];
  private readonly beforeIndex = new Map<PlanUserData, number>();
  private readonly categoryIds = new Map<readonly Category[], number>();

  /** How many actions are held as columns. */
  get size(): number {
    return this.rows;
  }

  /** A handle for the action, or the action itself when it cannot be given back exactly. */
  pack(action: UserDataAction): UserDataAction | number {
    const row = this.columnsOf(action);
    if (row === undefined) return action;
    const blockAt = this.rows >>> BLOCK_BITS;
    if (blockAt >= MAX_BLOCKS) return action;
    if (blockAt === this.blocks.length) this.blocks.push(new Block());
    const block = this.blocks[blockAt]!;
    const at = this.rows & BLOCK_MASK;
    block.user[at] = row.user;
    block.item[at] = row.item;
    block.shape[at] = row.shape;
    block.before[at] = row.before;
    block.playCount[at] = row.playCount;
    block.lastPlayed[at] = row.lastPlayed;
    block.position[at] = row.position;
    block.rating[at] = row.rating;
    block.intent.set(row.intent, at * INTENT_BYTES);
    return this.rows++;
  }

  /** The user an action handle is for, without making the action. */
  userOf(handle: number): PlanUserRef {
    return this.users[this.blockOf(handle).user[handle & BLOCK_MASK]!]!.ref;
  }

  /** The item an action handle writes, without making the action. */
  itemIdOf(handle: number): string {
    return this.items[this.blockOf(handle).item[handle & BLOCK_MASK]!]!.id;
  }

  /** The categories an action handle touches, without making the action. */
  categoriesOf(handle: number): readonly Category[] {
    return this.shapes[this.blockOf(handle).shape[handle & BLOCK_MASK]!]!.categories;
  }

  /** The action a handle stands for, as a new object. */
  action(handle: number): UserDataAction {
    const block = this.blockOf(handle);
    const at = handle & BLOCK_MASK;
    const user = this.users[block.user[at]!]!;
    const item = this.items[block.item[at]!]!;
    const shape = this.shapes[block.shape[at]!]!;
    const set: Partial<PlanUserData> = {};
    // In USER_DATA_FIELDS order, as toPlanChange writes them: the key's digest and the plan
    // file's text depend on it.
    if (shape.fields & PLAYED) set.played = shape.played;
    if (shape.fields & PLAY_COUNT) set.playCount = block.playCount[at]!;
    if (shape.fields & LAST_PLAYED)
      set.lastPlayedAt = shape.lastPlayedNull ? null : new Date(block.lastPlayed[at]!).toISOString();
    if (shape.fields & POSITION) set.positionMs = block.position[at]!;
    if (shape.fields & RATING) set.rating = shape.ratingNull ? null : block.rating[at]!;
    if (shape.fields & FAVORITE) set.isFavorite = shape.isFavorite;
    let intent = "";
    for (let i = at * INTENT_BYTES; i < (at + 1) * INTENT_BYTES; i++) intent += HEX[block.intent[i]!];
    return {
      key: `${user.prefix}${item.part}/${intent}`,
      type: "set-user-data",
      user: user.ref,
      itemId: item.id,
      title: item.title,
      sourceItemKeys: item.sources,
      categories: shape.categories as Category[],
      before: this.befores[block.before[at]!]!,
      set,
    };
  }

  private blockOf(handle: number): Block {
    const block = this.blocks[handle >>> BLOCK_BITS];
    if (block === undefined || handle < 0 || handle >= this.rows) {
      throw new RangeError(`no packed action ${handle}`);
    }
    return block;
  }

  /** The action's columns, or undefined when packing it would not give it back exactly. */
  private columnsOf(action: UserDataAction): Row | undefined {
    if (Object.keys(action).join(",") !== ACTION_KEYS) return undefined;
    const { set } = action;
    let fields = 0;
    let expected = 0;
    for (const key of Object.keys(set)) {
      const bit = FIELD_BITS.get(key);
      // Unknown fields, or fields out of USER_DATA_FIELDS order, are kept as they are.
      if (bit === undefined || bit <= expected) return undefined;
      fields |= bit;
      expected = bit;
    }
    const row: Row = {
      user: 0,
      item: 0,
      shape: 0,
      before: 0,
      playCount: 0,
      lastPlayed: 0,
      position: 0,
      rating: 0,
      intent: INTENT_SCRATCH,
    };
    if (fields & PLAY_COUNT) {
      const count = set.playCount;
      if (!Number.isInteger(count) || count! < 0 || count! > 0xffff_ffff) return undefined;
      row.playCount = count!;
    }
    let lastPlayedNull = false;
    if (fields & LAST_PLAYED) {
      const at = set.lastPlayedAt;
      if (at === null) lastPlayedNull = true;
      else {
        const ms = typeof at === "string" ? Date.parse(at) : Number.NaN;
        if (!Number.isFinite(ms) || new Date(ms).toISOString() !== at) return undefined;
        row.lastPlayed = ms;
      }
    }
    if (fields & POSITION) {
      if (typeof set.positionMs !== "number") return undefined;
      row.position = set.positionMs;
    }
    let ratingNull = false;
    if (fields & RATING) {
      if (set.rating === null) ratingNull = true;
      else if (typeof set.rating === "number") row.rating = set.rating;
      else return undefined;
    }
    if (fields & PLAYED && typeof set.played !== "boolean") return undefined;
    if (fields & FAVORITE && typeof set.isFavorite !== "boolean") return undefined;

    const item = this.itemFor(action);
    if (item === undefined) return undefined;
    row.item = item;
    const user = this.userFor(action, this.items[item]!.part);
    if (user === undefined) return undefined;
    row.user = user;
    if (!parseIntent(action.key, row.intent)) return undefined;
    row.before = this.beforeFor(action.before);
    const shape = this.shapeFor(action.categories, {
      fields,
      played: set.played === true,
      isFavorite: set.isFavorite === true,
      lastPlayedNull,
      ratingNull,
    });
    if (shape === undefined) return undefined;
    row.shape = shape;
    return row;
  }

  private itemFor(action: UserDataAction): number | undefined {
    const known = this.itemIndex.get(action.itemId);
    if (known !== undefined) {
      const item = this.items[known]!;
      // Titles and source keys are shared per item by the planner; another one is kept as is.
      return item.title === action.title && item.sources === action.sourceItemKeys ? known : undefined;
    }
    this.items.push({
      id: action.itemId,
      part: keyPart(action.itemId),
      title: action.title,
      sources: action.sourceItemKeys,
    });
    this.itemIndex.set(action.itemId, this.items.length - 1);
    return this.items.length - 1;
  }

  /** The user's index, when the key is `<user prefix><item part>/<12 hex digits>`. */
  private userFor(action: UserDataAction, itemPart: string): number | undefined {
    const { key } = action;
    const end = key.length - INTENT_BYTES * 2 - 1 - itemPart.length;
    if (end <= 0 || key.slice(end, end + itemPart.length) !== itemPart || key[key.length - 13] !== "/") {
      return undefined;
    }
    const prefix = key.slice(0, end);
    const known = this.userIndex.get(action.user);
    if (known !== undefined) return this.users[known]!.prefix === prefix ? known : undefined;
    this.users.push({ ref: action.user, prefix });
    this.userIndex.set(action.user, this.users.length - 1);
    return this.users.length - 1;
  }

  private beforeFor(before: PlanUserData): number {
    let index = this.beforeIndex.get(before);
    if (index === undefined) {
      index = this.befores.length;
      this.befores.push(before);
      // Only shared (frozen) values are looked up again; others are one action's own.
      if (Object.isFrozen(before)) this.beforeIndex.set(before, index);
    }
    return index;
  }

  private shapeFor(categories: readonly Category[], shape: Omit<Shape, "categories">): number | undefined {
    let categoryId = this.categoryIds.get(categories);
    if (categoryId === undefined) {
      categoryId = this.categoryIds.size;
      this.categoryIds.set(categories, categoryId);
    }
    const name = `${categoryId}:${shape.fields}:${+shape.played}${+shape.isFavorite}${+shape.lastPlayedNull}${+shape.ratingNull}`;
    let index = this.shapeIndex.get(name);
    if (index === undefined) {
      if (this.shapes.length > 0xffff) return undefined;
      index = this.shapes.length;
      this.shapes.push({ ...shape, categories });
      this.shapeIndex.set(name, index);
    }
    return index;
  }
}

/**
 * A plan's actions as an array, some of them packed: reading a place gives the action (made
 * from its columns when packed), and every array method works as on the array of objects.
 * It cannot be changed: a plan is not edited after it is made.
 */
export function packedActions(entries: Array<Action | number>, packed: PackedUserData): Action[] {
  const view = new Proxy(entries, {
    get(target, property, receiver) {
      if (typeof property === "string") {
        const code = property.charCodeAt(0);
        if (code >= 48 && code <= 57) {
          const entry = (target as unknown as Record<string, Action | number | undefined>)[property];
          return typeof entry === "number" ? packed.action(entry) : entry;
        }
      }
      return Reflect.get(target, property, receiver);
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  }) as unknown as Action[];
  views.set(view, { entries, packed });
  return view;
}

const views = new WeakMap<readonly Action[], { entries: Array<Action | number>; packed: PackedUserData }>();

/** Whether a plan's actions are held (in part) as columns. */
export function isPacked(actions: readonly Action[]): boolean {
  return views.has(actions);
}

/** The type of the action at `place`, without making it when it is packed. */
export function typeAt(actions: readonly Action[], place: number): Action["type"] {
  const held = views.get(actions);
  if (held === undefined) return actions[place]!.type;
  const entry = held.entries[place]!;
  return typeof entry === "number" ? "set-user-data" : entry.type;
}

/** The categories of the user-data write at `place`, without making it when it is packed. */
export function userDataCategoriesAt(actions: readonly Action[], place: number): readonly Category[] {
  const held = views.get(actions);
  const entry = held === undefined ? actions[place]! : held.entries[place]!;
  if (typeof entry === "number") return held!.packed.categoriesOf(entry);
  if (entry.type !== "set-user-data") throw new TypeError(`action ${place} is not a user-data write`);
  return entry.categories;
}

/**
 * The user and item of the user-data write at `place` (undefined for any other action),
 * without making it when it is packed.
 */
export function userDataTargetAt(
  actions: readonly Action[],
  place: number,
): { user: PlanUserRef; itemId: string } | undefined {
  const held = views.get(actions);
  const entry = held === undefined ? actions[place]! : held.entries[place]!;
  if (typeof entry === "number")
    return { user: held!.packed.userOf(entry), itemId: held!.packed.itemIdOf(entry) };
  return entry.type === "set-user-data" ? { user: entry.user, itemId: entry.itemId } : undefined;
}

const BLOCK_BITS = 16;
const BLOCK_ROWS = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_ROWS - 1;
/** Handles stay small integers (V8 keeps them unboxed in the entries array). */
const MAX_BLOCKS = 1 << 14;
const INTENT_BYTES = 6;
const INTENT_SCRATCH = new Uint8Array(INTENT_BYTES);
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));
const ACTION_KEYS = "key,type,user,itemId,title,sourceItemKeys,categories,before,set";

const [PLAYED, PLAY_COUNT, LAST_PLAYED, POSITION, RATING, FAVORITE] = [1, 2, 4, 8, 16, 32] as const;
const FIELD_BITS = new Map<string, number>(USER_DATA_FIELDS.map((field, i) => [field, 1 << i]));
if (
  FIELD_BITS.get("played") !== PLAYED ||
  FIELD_BITS.get("playCount") !== PLAY_COUNT ||
  FIELD_BITS.get("lastPlayedAt") !== LAST_PLAYED ||
  FIELD_BITS.get("positionMs") !== POSITION ||
  FIELD_BITS.get("rating") !== RATING ||
  FIELD_BITS.get("isFavorite") !== FAVORITE ||
  FIELD_BITS.size !== 6
) {
  throw new Error("packed.ts: USER_DATA_FIELDS changed; update the field bits");
}

interface Shape {
  categories: readonly Category[];
  fields: number;
  played: boolean;
  isFavorite: boolean;
  lastPlayedNull: boolean;
  ratingNull: boolean;
}

interface Row {
  user: number;
  item: number;
  shape: number;
  before: number;
  playCount: number;
  lastPlayed: number;
  position: number;
  rating: number;
  intent: Uint8Array;
}

class Block {
  readonly user = new Uint32Array(BLOCK_ROWS);
  readonly item = new Uint32Array(BLOCK_ROWS);
  readonly shape = new Uint16Array(BLOCK_ROWS);
  readonly before = new Uint32Array(BLOCK_ROWS);
  readonly playCount = new Uint32Array(BLOCK_ROWS);
  readonly lastPlayed = new Float64Array(BLOCK_ROWS);
  readonly position = new Float64Array(BLOCK_ROWS);
  readonly rating = new Float64Array(BLOCK_ROWS);
  readonly intent = new Uint8Array(BLOCK_ROWS * INTENT_BYTES);
}

/** The key's last 12 characters as 6 bytes, when they are lower-case hex digits. */
function parseIntent(key: string, into: Uint8Array): boolean {
  const start = key.length - INTENT_BYTES * 2;
  for (let i = 0; i < INTENT_BYTES; i++) {
    const high = HEX_VALUE[key.charCodeAt(start + 2 * i)] ?? -1;
    const low = HEX_VALUE[key.charCodeAt(start + 2 * i + 1)] ?? -1;
    if (high < 0 || low < 0) return false;
    into[i] = high * 16 + low;
  }
  return true;
}

const HEX_VALUE: number[] = [];
for (let digit = 0; digit < 16; digit++) HEX_VALUE["0123456789abcdef".charCodeAt(digit)] = digit;
