import { Slabs } from "./slabs.js";
import type { HistorySummary, WatchState } from "./state.js";

/**
 * Watch states and history summaries kept as typed columns per person instead of one object
 * each: what a big migration holds while planning (issue 14, scale). 200,000 items × 50
 * people is about 1.8 million states and 1.7 million summaries; as objects, with their two
 * Dates and the maps that find them, they took about a gigabyte; as columns about 100 MB.
 *
 * A table reads like the nested maps it replaces (person → identity → row): `get` hands out a
 * fresh object each time, and `keys` lists a person's identities in the order they were added.
 * A row added again for the same person and identity replaces the earlier one in its place,
 * as Map.set does.
 */
export interface PersonRows<T> {
  get(identity: string): T | undefined;
  keys(): IterableIterator<string>;
  readonly size: number;
}

export interface RowTable<T> {
  get(userId: string): PersonRows<T> | undefined;
}

/** Identity text ↔ a small number, shared by the tables of one read. */
export class Identities {
  private readonly numbers = new Map<string, number>();
  readonly texts: string[] = [];

  number(identity: string): number {
    let found = this.numbers.get(identity);
    if (found === undefined) {
      found = this.texts.length;
      this.numbers.set(identity, found);
      this.texts.push(identity);
    }
    return found;
  }

  find(identity: string): number | undefined {
    return this.numbers.get(identity);
  }
}

/** Rows per chunk of a column: a person's columns grow a chunk at a time, never copied. */
const CHUNK_BITS = 12;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK_ROWS - 1;

/** Null dates and ratings are NaN in a column. */
const time = (date: Date | null): number => (date === null ? Number.NaN : date.getTime());
const dateOf = (ms: number): Date | null => (Number.isNaN(ms) ? null : new Date(ms));

type Chunk = Int32Array | Float64Array | Uint8Array;

/**
 * One column of a person's rows, in chunks carved from the read's slabs (slabs.ts): growing
 * by doubling left the old arrays' pages in malloc's heap, over 100 MB at 200k × 50.
 */
class Column<C extends Chunk> {
  private readonly chunks: C[] = [];

  constructor(private readonly make: (rows: number) => C) {}

  /** Makes room for the row at `slot` (rows are added one after another). */
  reserve(slot: number): void {
    if (slot >>> CHUNK_BITS === this.chunks.length) this.chunks.push(this.make(CHUNK_ROWS));
  }

  get(slot: number): number {
    return this.chunks[slot >>> CHUNK_BITS]![slot & IN_CHUNK]!;
  }

  set(slot: number, value: number): void {
    this.chunks[slot >>> CHUNK_BITS]![slot & IN_CHUNK] = value;
  }
}

/** What the tables of one read share: identity numbers and the slabs their columns come from. */
export class RowStore {
  readonly identities = new Identities();
  readonly slabs = new Slabs();

  int32(): Column<Int32Array> {
    return new Column((rows) => this.slabs.int32(rows));
  }

  float64(): Column<Float64Array> {
    return new Column((rows) => this.slabs.float64(rows));
  }

  uint8(): Column<Uint8Array> {
    return new Column((rows) => this.slabs.uint8(rows));
  }
}

/**
 * One person's rows: the identity numbers in the order added, `columns` of values beside
 * them, and (after `seal`) the row numbers sorted by identity for lookups.
 */
abstract class Person<T> implements PersonRows<T> {
  protected readonly ids: Column<Int32Array>;
  protected count = 0;
  private order: Int32Array | undefined;
  private live = 0;
  private sealed = false;
  /** Every column of the person, its identity numbers first. */
  private readonly columns: Column<Chunk>[];

  constructor(
    readonly userId: string,
    protected readonly store: RowStore,
    values: Column<Chunk>[],
  ) {
    this.ids = store.int32();
    this.columns = [this.ids, ...values];
  }

  get size(): number {
    this.seal();
    return this.live;
  }

  /** A new row for `identity`; a repeat of an identity is folded into its first row when sealing. */
  protected slot(identity: string): number {
    // Lookups have begun: a row added now would be missing from them.
    if (this.sealed) throw new Error("rows added to a table already read");
    const slot = this.count++;
    for (const column of this.columns) column.reserve(slot);
    this.ids.set(slot, this.store.identities.number(identity));
    return slot;
  }

  protected abstract row(slot: number, identity: string): T;

  /** The value columns, so a repeat can be copied into the first row of its identity. */
  private copy(from: number, to: number): void {
    for (let c = 1; c < this.columns.length; c++) this.columns[c]!.set(to, this.columns[c]!.get(from));
  }

  /**
   * Drops the rows `keep` refuses (scope), in place; returns how many rows stay. Dropped rows
   * keep their slot with no identity (-1).
   */
  retain(keep: (row: { userId: string; identity: string }) => boolean): number {
    const probe = { userId: this.userId, identity: "" };
    const texts = this.store.identities.texts;
    for (let slot = 0; slot < this.count; slot++) {
      const id = this.ids.get(slot);
      if (id < 0) continue;
      probe.identity = texts[id]!;
      if (!keep(probe)) this.ids.set(slot, -1);
    }
    this.order = undefined;
    return this.size;
  }

  /**
   * Sorts the lookup order and folds repeated identities into their first row (the last
   * value wins, as with Map.set).
   */
  seal(): void {
    if (this.order !== undefined) return;
    this.sealed = true;
    const ids = this.ids;
    let listed = 0;
    for (let slot = 0; slot < this.count; slot++) if (ids.get(slot) >= 0) listed++;
    const order = new Int32Array(listed);
    listed = 0;
    for (let slot = 0; slot < this.count; slot++) if (ids.get(slot) >= 0) order[listed++] = slot;
    order.sort((a, b) => ids.get(a) - ids.get(b) || a - b);
    let kept = 0;
    for (let i = 0; i < order.length; i++) {
      const slot = order[i]!;
      if (kept > 0 && ids.get(order[kept - 1]!) === ids.get(slot)) {
        // A repeat: its value goes to the first row of the identity, its own row is dropped.
        this.copy(slot, order[kept - 1]!);
        ids.set(slot, -1);
        continue;
      }
      order[kept++] = slot;
    }
    this.order = order.slice(0, kept);
    this.live = kept;
  }

  get(identity: string): T | undefined {
    this.seal();
    const id = this.store.identities.find(identity);
    if (id === undefined) return undefined;
    const order = this.order!;
    let low = 0;
    let high = order.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.ids.get(order[middle]!);
      if (found === id) return this.row(order[middle]!, identity);
      if (found < id) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  *keys(): IterableIterator<string> {
    this.seal();
    for (let slot = 0; slot < this.count; slot++) {
      const id = this.ids.get(slot);
      if (id >= 0) yield this.store.identities.texts[id]!;
    }
  }
}

class PersonStates extends Person<WatchState> {
  private readonly played: Column<Uint8Array>;
  private readonly playCount: Column<Float64Array>;
  private readonly lastPlayedAt: Column<Float64Array>;
  private readonly positionMs: Column<Float64Array>;
  private readonly rating: Column<Float64Array>;
  private readonly ratedAt: Column<Float64Array>;

  constructor(userId: string, store: RowStore) {
    const columns = {
      played: store.uint8(),
      playCount: store.float64(),
      lastPlayedAt: store.float64(),
      positionMs: store.float64(),
      rating: store.float64(),
      ratedAt: store.float64(),
    };
    super(userId, store, Object.values(columns));
    this.played = columns.played;
    this.playCount = columns.playCount;
    this.lastPlayedAt = columns.lastPlayedAt;
    this.positionMs = columns.positionMs;
    this.rating = columns.rating;
    this.ratedAt = columns.ratedAt;
  }

  add(state: WatchState): number {
    const slot = this.slot(state.identity);
    this.played.set(slot, state.played ? 1 : 0);
    this.playCount.set(slot, state.playCount);
    this.lastPlayedAt.set(slot, time(state.lastPlayedAt));
    this.positionMs.set(slot, state.positionMs);
    this.rating.set(slot, state.rating ?? Number.NaN);
    this.ratedAt.set(slot, time(state.ratedAt));
    return slot;
  }

  /** A last-played date learnt after the row was added (from the history, by the reader). */
  dated(slot: number, at: Date | null): void {
    this.lastPlayedAt.set(slot, time(at));
  }

  protected row(slot: number, identity: string): WatchState {
    const rating = this.rating.get(slot);
    return {
      userId: this.userId,
      identity,
      played: this.played.get(slot) === 1,
      playCount: this.playCount.get(slot),
      lastPlayedAt: dateOf(this.lastPlayedAt.get(slot)),
      positionMs: this.positionMs.get(slot),
      rating: Number.isNaN(rating) ? null : rating,
      ratedAt: dateOf(this.ratedAt.get(slot)),
    };
  }
}

class PersonHistory extends Person<HistorySummary> {
  private readonly plays: Column<Float64Array>;
  private readonly lastViewedAt: Column<Float64Array>;

  constructor(userId: string, store: RowStore) {
    const plays = store.float64();
    const lastViewedAt = store.float64();
    super(userId, store, [plays, lastViewedAt]);
    this.plays = plays;
    this.lastViewedAt = lastViewedAt;
  }

  add(summary: HistorySummary): void {
    const slot = this.slot(summary.identity);
    this.plays.set(slot, summary.plays);
    this.lastViewedAt.set(slot, summary.lastViewedAt.getTime());
  }

  protected row(slot: number, identity: string): HistorySummary {
    return {
      userId: this.userId,
      identity,
      plays: this.plays.get(slot),
      lastViewedAt: new Date(this.lastViewedAt.get(slot)),
    };
  }
}

abstract class Table<T, P extends Person<T>> implements RowTable<T> {
  protected readonly people = new Map<string, P>();

  constructor(protected readonly store: RowStore) {}

  get(userId: string): P | undefined {
    return this.people.get(userId);
  }

  protected person(userId: string): P {
    let found = this.people.get(userId);
    if (found === undefined) {
      found = this.create(userId);
      this.people.set(userId, found);
    }
    return found;
  }

  protected abstract create(userId: string): P;

  /** Drops the rows `keep` refuses, and people left without rows (as if never added). */
  retain(keep: (row: { userId: string; identity: string }) => boolean): void {
    for (const [userId, person] of this.people) if (person.retain(keep) === 0) this.people.delete(userId);
  }
}

/** Watch states (SEMANTICS §3) as columns per person. */
export class StateTable extends Table<WatchState, PersonStates> {
  add(state: WatchState): void {
    this.person(state.userId).add(state);
  }

  /**
   * Adds a state whose last-played date may still be learnt (the reader dates undated states
   * from the history after handing them on): `dated` records the date it ends with.
   */
  addUndated(state: WatchState): { dated(at: Date | null): void } {
    const person = this.person(state.userId);
    const slot = person.add(state);
    return { dated: (at) => person.dated(slot, at) };
  }

  protected create(userId: string): PersonStates {
    return new PersonStates(userId, this.store);
  }
}

/** History summaries as columns per person. */
export class HistoryTable extends Table<HistorySummary, PersonHistory> {
  add(summary: HistorySummary): void {
    this.person(summary.userId).add(summary);
  }

  protected create(userId: string): PersonHistory {
    return new PersonHistory(userId, this.store);
  }
}

/** A read's states and history as tables. */
export interface SourceRows {
  states: StateTable;
  history: HistoryTable;
}

export function emptyRows(): SourceRows {
  const store = new RowStore();
  return { states: new StateTable(store), history: new HistoryTable(store) };
}

/** Tables holding the rows of arrays (sources other than a streamed database read, and tests). */
export function rowsOf(states: readonly WatchState[], history: readonly HistorySummary[]): SourceRows {
  const rows = emptyRows();
  for (const state of states) rows.states.add(state);
  for (const summary of history) rows.history.add(summary);
  return rows;
}

/** Drops the rows `keep` refuses from both tables, in place (scope). */
export function retainRows(
  rows: SourceRows,
  keep: (row: { userId: string; identity: string }) => boolean,
): void {
  rows.states.retain(keep);
  rows.history.retain(keep);
}
