import { describe, expect, it } from "vitest";
import {
  emptyRows,
  type HistorySummary,
  retainRows,
  rowsOf,
  type WatchState,
} from "../../src/model/index.js";

const day = (n: number) => new Date(Date.UTC(2024, 0, n));

function state(userId: string, identity: string, values: Partial<WatchState> = {}): WatchState {
  return {
    userId,
    identity,
    played: true,
    playCount: 2,
    lastPlayedAt: day(3),
    positionMs: 0,
    rating: null,
    ratedAt: null,
    ...values,
  };
}

function summary(userId: string, identity: string, plays: number, at: Date): HistorySummary {
  return { userId, identity, plays, lastViewedAt: at };
}

/** The nested maps the tables replace (person → identity → row, Map.set semantics). */
function nested<T extends { userId: string; identity: string }>(rows: readonly T[]) {
  const out = new Map<string, Map<string, T>>();
  for (const row of rows) {
    const inner = out.get(row.userId) ?? new Map<string, T>();
    out.set(row.userId, inner);
    inner.set(row.identity, row);
  }
  return out;
}

describe("state and history tables", () => {
  it("give back every value, nulls included, as the rows added", () => {
    const states = [
      state("1", "plex://movie/a", { played: false, playCount: 0, lastPlayedAt: null, positionMs: 61_500 }),
      state("1", "plex://movie/b", { rating: 7.5, ratedAt: day(9), playCount: 40_000_000_000 }),
      state("2", "plex://movie/a", { rating: 0, ratedAt: null }),
    ];
    const history = [summary("2", "plex://movie/a", 3, day(4)), summary("1", "local://9", 1, day(5))];
    const rows = rowsOf(states, history);
    for (const s of states) expect(rows.states.get(s.userId)?.get(s.identity)).toEqual(s);
    for (const h of history) expect(rows.history.get(h.userId)?.get(h.identity)).toEqual(h);
    expect(rows.states.get("1")?.get("local://9")).toBeUndefined();
    expect(rows.states.get("3")).toBeUndefined();
    expect(rows.history.get("1")?.get("plex://movie/a")).toBeUndefined();
  });

  it("answer like the nested maps for thousands of rows, repeats and odd orders included", () => {
    const states: WatchState[] = [];
    // Identities in no sorted order, more rows than the first capacity, and repeats whose
    // later value must win in the first one's place.
    for (let i = 0; i < 30_000; i++) {
      const n = (i * 7919) % 10_000;
      states.push(state(String(1 + (i % 2)), `plex://episode/${n}`, { playCount: i, positionMs: i * 10 }));
    }
    // Several chunks of rows per person.
    const rows = rowsOf(states, []);
    const maps = nested(states);
    for (const [userId, inner] of maps) {
      const person = rows.states.get(userId)!;
      expect(person.size).toBe(inner.size);
      expect([...person.keys()]).toEqual([...inner.keys()]);
      for (const [identity, expected] of inner) expect(person.get(identity)).toEqual(expected);
    }
  });

  it("hand out a fresh object per lookup, so a caller cannot change the table", () => {
    const rows = rowsOf([state("1", "a")], []);
    const first = rows.states.get("1")!.get("a")!;
    first.playCount = 99;
    first.lastPlayedAt!.setUTCFullYear(1990);
    expect(rows.states.get("1")!.get("a")).toEqual(state("1", "a"));
  });

  it("take a last-played date learnt after the row was added", () => {
    const rows = emptyRows();
    const undated = state("1", "a", { lastPlayedAt: null });
    const handle = rows.states.addUndated(undated);
    rows.states.add(state("1", "b"));
    handle.dated(day(20));
    expect(rows.states.get("1")!.get("a")!.lastPlayedAt).toEqual(day(20));
    expect(rows.states.get("1")!.get("b")!.lastPlayedAt).toEqual(day(3));
  });

  it("drop the rows scope refuses, and people left without rows", () => {
    const rows = rowsOf(
      [state("1", "a"), state("1", "b"), state("2", "a")],
      [summary("1", "b", 1, day(1)), summary("2", "a", 2, day(2))],
    );
    retainRows(rows, (row) => row.identity !== "a");
    expect([...rows.states.get("1")!.keys()]).toEqual(["b"]);
    expect(rows.states.get("1")!.get("a")).toBeUndefined();
    expect(rows.states.get("1")!.get("b")).toEqual(state("1", "b"));
    expect(rows.states.get("2")).toBeUndefined();
    expect(rows.history.get("2")).toBeUndefined();
    expect(rows.history.get("1")!.get("b")).toEqual(summary("1", "b", 1, day(1)));
  });

  it("refuse rows added after lookups began, rather than miss them", () => {
    const rows = rowsOf([state("1", "a")], []);
    expect(rows.states.get("1")!.get("a")).toBeDefined();
    expect(() => rows.states.add(state("1", "b"))).toThrow(/already read/);
  });
});
