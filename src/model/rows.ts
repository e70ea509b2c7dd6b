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

const FIRST_CAPACITY = 256;

/** Null dates and ratings are NaN in a column. */
const time = (date: Date | null): number => (date === null ? Number.NaN : date.getTime());
const dateOf = (ms: number): Date | null => (Number.isNaN(ms) ? null : new Date(ms));

/** The column at another length: grown for more rows, or trimmed to the rows it holds. */
function resized<A extends Float64Array | Int32Array | Uint8Array>(column: A, size: number): A {
  if (size <= column.length) return column.slice(0, size) as A;
  const bigger = new (column.constructor as new (n: number) => A)(size);
  bigger.set(column);
  return bigger;
}

/**
 * One person's rows: the identity numbers in the order added, `columns` of values beside
 * them, and (after `seal`) the row numbers sorted by identity for lookups.
 */
abstract class Person<T> implements PersonRows<T> {
  protected ids = new Int32Array(FIRST_CAPACITY);
  protected count = 0;
  private order: Int32Array | undefined;
  private live = 0;
  private sealed = false;

  constructor(
    readonly userId: string,
    protected readonly identities: Identities,
  ) {}

  get size(): number {
    this.seal();
    return this.live;
  }

  /** The row for `identity`, a new slot unless the same identity was added before sealing. */
  protected slot(identity: string): number {
    // Lookups have begun: a row added now would be missing from them.
    if (this.sealed) throw new Error("rows added to a table already read");
    if (this.count === this.ids.length) this.resize(Math.max(FIRST_CAPACITY, this.count * 2));
    const slot = this.count++;
    this.ids[slot] = this.identities.number(identity);
    return slot;
  }

  protected abstract resize(size: number): void;

  /** Lets go of the room kept for more rows (a read has ended). */
  trim(): void {
    if (this.ids.length !== this.count) this.resize(this.count);
  }
  protected abstract copy(from: number, to: number): void;
  protected abstract row(slot: number, identity: string): T;

  /**
   * Drops the rows `keep` refuses (scope), in place; returns how many rows stay. Dropped rows
   * keep their slot with no identity (-1).
   */
  retain(keep: (row: { userId: string; identity: string }) => boolean): number {
    const probe = { userId: this.userId, identity: "" };
    const texts = this.identities.texts;
    for (let slot = 0; slot < this.count; slot++) {
      const id = this.ids[slot]!;
      if (id < 0) continue;
      probe.identity = texts[id]!;
      if (!keep(probe)) this.ids[slot] = -1;
    }
    this.order = undefined;
    return this.size;
  }

  /**
   * Sorts the lookup order, folds repeated identities into their first row (the last value
   * wins, as with Map.set) and trims the columns.
   */
  seal(): void {
    if (this.order !== undefined) return;
    this.sealed = true;
    const ids = this.ids;
    let listed = 0;
    for (let slot = 0; slot < this.count; slot++) if (ids[slot]! >= 0) listed++;
    const order = new Int32Array(listed);
    listed = 0;
    for (let slot = 0; slot < this.count; slot++) if (ids[slot]! >= 0) order[listed++] = slot;
    order.sort((a, b) => ids[a]! - ids[b]! || a - b);
    let kept = 0;
    for (let i = 0; i < order.length; i++) {
      const slot = order[i]!;
      if (kept > 0 && ids[order[kept - 1]!] === ids[slot]) {
        // A repeat: its value goes to the first row of the identity, its own row is dropped.
        this.copy(slot, order[kept - 1]!);
        ids[slot] = -1;
        continue;
      }
      order[kept++] = slot;
    }
    this.order = order.slice(0, kept);
    this.live = kept;
    if (this.ids.length !== this.count) this.resize(this.count);
  }

  get(identity: string): T | undefined {
    this.seal();
    const id = this.identities.find(identity);
    if (id === undefined) return undefined;
    const order = this.order!;
    let low = 0;
    let high = order.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.ids[order[middle]!]!;
      if (found === id) return this.row(order[middle]!, identity);
      if (found < id) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  *keys(): IterableIterator<string> {
    this.seal();
    for (let slot = 0; slot < this.count; slot++) {
      const id = this.ids[slot]!;
      if (id >= 0) yield this.identities.texts[id]!;
    }
  }

  /** Rows in the order added, as objects (one at a time). */
  *rows(): IterableIterator<T> {
    this.seal();
    for (let slot = 0; slot < this.count; slot++) {
      const id = this.ids[slot]!;
      if (id >= 0) yield this.row(slot, this.identities.texts[id]!);
    }
  }
}

class PersonStates extends Person<WatchState> {
  private played = new Uint8Array(FIRST_CAPACITY);
  private playCount = new Float64Array(FIRST_CAPACITY);
  private lastPlayedAt = new Float64Array(FIRST_CAPACITY);
  private positionMs = new Float64Array(FIRST_CAPACITY);
  private rating = new Float64Array(FIRST_CAPACITY);
  private ratedAt = new Float64Array(FIRST_CAPACITY);

  add(state: WatchState): number {
    const slot = this.slot(state.identity);
    this.played[slot] = state.played ? 1 : 0;
    this.playCount[slot] = state.playCount;
    this.lastPlayedAt[slot] = time(state.lastPlayedAt);
    this.positionMs[slot] = state.positionMs;
    this.rating[slot] = state.rating ?? Number.NaN;
    this.ratedAt[slot] = time(state.ratedAt);
    return slot;
  }

  /** A last-played date learnt after the row was added (from the history, by the reader). */
  dated(slot: number, at: Date | null): void {
    this.lastPlayedAt[slot] = time(at);
  }

  protected resize(size: number): void {
    this.ids = resized(this.ids, size);
    this.played = resized(this.played, size);
    this.playCount = resized(this.playCount, size);
    this.lastPlayedAt = resized(this.lastPlayedAt, size);
    this.positionMs = resized(this.positionMs, size);
    this.rating = resized(this.rating, size);
    this.ratedAt = resized(this.ratedAt, size);
  }

  protected copy(from: number, to: number): void {
    this.played[to] = this.played[from]!;
    this.playCount[to] = this.playCount[from]!;
    this.lastPlayedAt[to] = this.lastPlayedAt[from]!;
    this.positionMs[to] = this.positionMs[from]!;
    this.rating[to] = this.rating[from]!;
    this.ratedAt[to] = this.ratedAt[from]!;
  }

  protected row(slot: number, identity: string): WatchState {
    const rating = this.rating[slot]!;
    return {
      userId: this.userId,
      identity,
      played: this.played[slot] === 1,
      playCount: this.playCount[slot]!,
      lastPlayedAt: dateOf(this.lastPlayedAt[slot]!),
      positionMs: this.positionMs[slot]!,
      rating: Number.isNaN(rating) ? null : rating,
      ratedAt: dateOf(this.ratedAt[slot]!),
    };
  }
}

class PersonHistory extends Person<HistorySummary> {
  private plays = new Float64Array(FIRST_CAPACITY);
  private lastViewedAt = new Float64Array(FIRST_CAPACITY);

  add(summary: HistorySummary): void {
    const slot = this.slot(summary.identity);
    this.plays[slot] = summary.plays;
    this.lastViewedAt[slot] = summary.lastViewedAt.getTime();
  }

  protected resize(size: number): void {
    this.ids = resized(this.ids, size);
    this.plays = resized(this.plays, size);
    this.lastViewedAt = resized(this.lastViewedAt, size);
  }

  protected copy(from: number, to: number): void {
    this.plays[to] = this.plays[from]!;
    this.lastViewedAt[to] = this.lastViewedAt[from]!;
  }

  protected row(slot: number, identity: string): HistorySummary {
    return {
      userId: this.userId,
      identity,
      plays: this.plays[slot]!,
      lastViewedAt: new Date(this.lastViewedAt[slot]!),
    };
  }
}

abstract class Table<T, P extends Person<T>> implements RowTable<T> {
  protected readonly people = new Map<string, P>();

  constructor(protected readonly identities: Identities) {}

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

  /** Lets go of the room kept for more rows: up to half of the columns after a long read. */
  trim(): void {
    for (const person of this.people.values()) person.trim();
  }

  /** Drops the rows `keep` refuses, and people left without rows (as if never added). */
  retain(keep: (row: { userId: string; identity: string }) => boolean): void {
    for (const [userId, person] of this.people) if (person.retain(keep) === 0) this.people.delete(userId);
  }

  /** Every row, person by person in the order first seen, each person's in the order added. */
  *rows(): IterableIterator<T> {
    for (const person of this.people.values()) yield* person.rows();
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
    return new PersonStates(userId, this.identities);
  }
}

/** History summaries as columns per person. */
export class HistoryTable extends Table<HistorySummary, PersonHistory> {
  add(summary: HistorySummary): void {
    this.person(summary.userId).add(summary);
  }

  protected create(userId: string): PersonHistory {
    return new PersonHistory(userId, this.identities);
  }
}

/** A read's states and history as tables. */
export interface SourceRows {
  states: StateTable;
  history: HistoryTable;
}

export function emptyRows(): SourceRows {
  const identities = new Identities();
  return { states: new StateTable(identities), history: new HistoryTable(identities) };
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
