import { describe, expect, it } from "vitest";
import { EMPTY_WATCH_STATE } from "../../src/model/index.js";
import type { Category } from "../../src/planner/plan.js";
import {
  combineStates,
  type FieldPolicy,
  type SourceState,
  sameDate,
  wantedChange,
} from "../../src/planner/userdata.js";
import { data } from "./helpers.js";

const ALL: ReadonlySet<Category> = new Set(["watched", "progress", "ratings"]);
const merge: FieldPolicy = { mode: "merge", categories: ALL, favoriteMinRating: null, leaf: true };
const mirror: FieldPolicy = { ...merge, mode: "mirror" };
const d = (iso: string) => new Date(iso);
const plex = (extra: Partial<SourceState>): SourceState => ({ ...EMPTY_WATCH_STATE, ...extra });

describe("merge table (SEMANTICS §3)", () => {
  it("Played: target OR Plex — Plex played marks an unplayed target played", () => {
    expect(wantedChange(data(), plex({ played: true, playCount: 1 }), merge)).toMatchObject({ played: true });
  });
  it("Played: a played target is never unplayed by an unplayed Plex item", () => {
    const change = wantedChange(data({ played: true, playCount: 2 }), plex({ played: false }), merge);
    expect(change).toEqual({});
  });
  it("PlayCount: max of target and Plex", () => {
    expect(
      wantedChange(data({ played: true, playCount: 2 }), plex({ played: true, playCount: 5 }), merge),
    ).toEqual({
      playCount: 5,
    });
    expect(
      wantedChange(data({ played: true, playCount: 7 }), plex({ played: true, playCount: 5 }), merge),
    ).toEqual({});
  });
  it("LastPlayedDate: the later of the two, either may be empty", () => {
    const early = d("2024-01-01T10:00:00Z");
    const late = d("2024-05-01T10:00:00Z");
    expect(wantedChange(data(), plex({ lastPlayedAt: late }), merge)).toEqual({ lastPlayedAt: late });
    expect(wantedChange(data({ lastPlayedAt: early }), plex({ lastPlayedAt: late }), merge)).toEqual({
      lastPlayedAt: late,
    });
    expect(wantedChange(data({ lastPlayedAt: late }), plex({ lastPlayedAt: early }), merge)).toEqual({});
    expect(wantedChange(data({ lastPlayedAt: late }), plex({ lastPlayedAt: null }), merge)).toEqual({});
  });
  it("LastPlayedDate: compared at whole seconds (a target returning fractions is not newer)", () => {
    const plexDate = d("2024-05-01T10:00:00Z");
    expect(
      wantedChange(
        data({ lastPlayedAt: d("2024-05-01T10:00:00.456Z") }),
        plex({ lastPlayedAt: plexDate }),
        merge,
      ),
    ).toEqual({});
    // A target that dropped the seconds' fraction Plex never had is equal too.
    expect(
      wantedChange(
        data({ lastPlayedAt: plexDate }),
        plex({ lastPlayedAt: d("2024-05-01T10:00:00.900Z") }),
        merge,
      ),
    ).toEqual({});
    expect(sameDate(d("2024-05-01T10:00:00.999Z"), d("2024-05-01T10:00:01.000Z"))).toBe(false);
  });
  it("PlaybackPositionTicks: Plex's when the target's is 0, else the target's", () => {
    expect(wantedChange(data(), plex({ positionMs: 60_000 }), merge)).toEqual({ positionMs: 60_000 });
    expect(wantedChange(data({ positionMs: 30_000 }), plex({ positionMs: 60_000 }), merge)).toEqual({});
  });
  it("positions only when Plex's is above 0", () => {
    expect(wantedChange(data({ positionMs: 30_000 }), plex({ positionMs: 0 }), merge)).toEqual({});
  });
  it("Rating: Plex's when the target has none, else the target's", () => {
    expect(wantedChange(data(), plex({ rating: 8 }), merge)).toEqual({ rating: 8 });
    expect(wantedChange(data({ rating: 4 }), plex({ rating: 8 }), merge)).toEqual({});
    expect(wantedChange(data({ rating: 4 }), plex({ rating: null }), merge)).toEqual({});
  });
  it("nothing at all for an item Plex knows nothing of", () => {
    expect(wantedChange(data({ played: true, playCount: 3, rating: 2 }), null, merge)).toEqual({});
  });
  it("the last played date migrates for an item only in progress", () => {
    const when = d("2024-03-03T03:03:03Z");
    expect(wantedChange(data(), plex({ positionMs: 5_000, lastPlayedAt: when }), merge)).toEqual({
      lastPlayedAt: when,
      positionMs: 5_000,
    });
  });
});

describe("mirror mode", () => {
  const target = data({
    played: true,
    playCount: 9,
    lastPlayedAt: d("2024-05-05T00:00:00Z"),
    positionMs: 1000,
    rating: 3,
  });
  it("makes the item equal Plex's values, lowering counts and unplaying", () => {
    const when = d("2024-01-01T00:00:00Z");
    expect(
      wantedChange(target, plex({ played: true, playCount: 2, lastPlayedAt: when, rating: 7 }), mirror),
    ).toEqual({
      playCount: 2,
      lastPlayedAt: when,
      positionMs: 0,
      rating: 7,
    });
  });
  it("a matched item without Plex state becomes unplayed, count 0, position 0, no rating", () => {
    expect(wantedChange(target, null, mirror)).toEqual({
      played: false,
      playCount: 0,
      lastPlayedAt: null,
      positionMs: 0,
      rating: null,
    });
  });
  it("a target date with a fraction of the same second is already equal", () => {
    const change = wantedChange(
      data({ played: true, playCount: 1, lastPlayedAt: d("2024-05-01T10:00:00.456Z") }),
      plex({ played: true, playCount: 1, lastPlayedAt: d("2024-05-01T10:00:00Z") }),
      mirror,
    );
    expect(change).toEqual({});
  });
  it("keeps the target's date when Plex says played but does not know when", () => {
    expect(
      wantedChange(target, plex({ played: true, playCount: 9, positionMs: 1000, rating: 3 }), mirror),
    ).toEqual({});
  });
});

describe("containers and favorites", () => {
  it("a show, season, album or artist gets its rating only", () => {
    const container = { ...merge, leaf: false };
    expect(
      wantedChange(data(), plex({ played: true, playCount: 4, positionMs: 9, rating: 6 }), container),
    ).toEqual({ rating: 6 });
  });
  it("--favorite-min-rating marks items rated at least N; merge never unfavorites", () => {
    const fav = { ...merge, favoriteMinRating: 8 };
    expect(wantedChange(data(), plex({ rating: 8 }), fav)).toEqual({ rating: 8, isFavorite: true });
    expect(wantedChange(data({ isFavorite: true }), plex({ rating: 2 }), fav)).toEqual({ rating: 2 });
    expect(wantedChange(data(), plex({ rating: 7.5 }), fav)).toEqual({ rating: 7.5 });
  });
  it("mirror favorites are exact", () => {
    const fav = { ...mirror, favoriteMinRating: 8 };
    expect(wantedChange(data({ isFavorite: true, rating: 2 }), plex({ rating: 2 }), fav)).toEqual({
      isFavorite: false,
    });
  });
  it("without the option favorites are left alone, even in mirror mode", () => {
    expect(wantedChange(data({ isFavorite: true }), null, mirror)).not.toHaveProperty("isFavorite");
  });
});

describe("kinds filter fields", () => {
  it("only the categories allowed are planned", () => {
    const only = (categories: Category[]) => ({ ...merge, categories: new Set(categories) });
    const p = plex({
      played: true,
      playCount: 2,
      positionMs: 50,
      rating: 5,
      lastPlayedAt: d("2024-01-01T00:00:00Z"),
    });
    expect(Object.keys(wantedChange(data(), p, only(["watched"])))).toEqual([
      "played",
      "playCount",
      "lastPlayedAt",
    ]);
    expect(Object.keys(wantedChange(data(), p, only(["progress"])))).toEqual(["positionMs"]);
    expect(Object.keys(wantedChange(data(), p, only(["ratings"])))).toEqual(["rating"]);
  });
});

describe("combining several Plex items on one target item", () => {
  it("played if any, largest count, latest date, position of the latest, rating rated last", () => {
    const a = plex({
      played: true,
      playCount: 3,
      lastPlayedAt: d("2024-01-01T00:00:00Z"),
      positionMs: 100,
      rating: 9,
      ratedAt: d("2024-04-01T00:00:00Z"),
    });
    const b = plex({
      played: false,
      playCount: 1,
      lastPlayedAt: d("2024-02-01T00:00:00Z"),
      positionMs: 200,
      rating: 4,
      ratedAt: d("2024-03-01T00:00:00Z"),
    });
    const expected = {
      played: true,
      playCount: 3,
      lastPlayedAt: d("2024-02-01T00:00:00Z"),
      positionMs: 200,
      rating: 9,
      ratedAt: d("2024-04-01T00:00:00Z"),
    };
    expect(combineStates([a, b])).toEqual(expected);
    expect(combineStates([b, a])).toEqual(expected);
  });
  it("a later state without a rating does not erase an earlier rating", () => {
    const rated = plex({ rating: 6, ratedAt: d("2024-01-01T00:00:00Z") });
    const later = plex({ played: true, playCount: 1, lastPlayedAt: d("2024-05-01T00:00:00Z") });
    expect(combineStates([rated, later])?.rating).toBe(6);
  });
  it("nothing to combine is null", () => {
    expect(combineStates([])).toBeNull();
  });
});
