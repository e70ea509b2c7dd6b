import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { type FixtureVariant, writePlexDatabase } from "../../../fixtures/plex/write.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import type { Scenario } from "../../../src/sample/scenario.js";
import { tempDirs } from "./helpers.js";

const tempDir = tempDirs();
const GUID = "com.plexapp.agents.themoviedb://603?lang=en";

function scenario(settings: Scenario["settings"], views: Scenario["views"] = []): Scenario {
  return {
    name: "rules",
    accounts: [{ id: 1, name: "owner" }],
    sections: [
      {
        id: 1,
        name: "Films",
        kind: "movie",
        agent: "com.plexapp.agents.themoviedb",
        scanner: "Plex Movie Scanner",
        locations: ["/m"],
      },
    ],
    items: [
      {
        id: 10,
        kind: "movie",
        sectionId: 1,
        guid: GUID,
        title: "The Matrix",
        year: 1999,
        media: [{ parts: [{ file: "/m/matrix.mkv" }] }],
      },
    ],
    settings,
    views,
    playlists: [],
    collections: [],
  };
}

async function read(s: Scenario, variant: FixtureVariant = "current") {
  const path = join(tempDir(), "rules.db");
  writePlexDatabase(path, s, { variant });
  return openPlexDatabase(path, { timeZone: "UTC" }).read();
}

describe("combining duplicate state rows (SEMANTICS §3)", () => {
  it("takes the largest count, the latest date and the position of the row viewed last", async () => {
    const snapshot = await read(
      scenario([
        {
          accountId: 1,
          guid: GUID,
          viewCount: 5,
          viewOffsetMs: 100_000,
          lastViewedAt: "2020-01-01T00:00:00Z",
        },
        {
          accountId: 1,
          guid: GUID,
          viewCount: 2,
          viewOffsetMs: 900_000,
          lastViewedAt: "2022-01-01T00:00:00Z",
        },
        { accountId: 1, guid: GUID, viewCount: 0, viewOffsetMs: 500_000 },
      ]),
    );
    expect(snapshot.states).toEqual([
      {
        userId: "1",
        identity: GUID,
        played: true,
        playCount: 5,
        lastPlayedAt: new Date("2022-01-01T00:00:00Z"),
        positionMs: 900_000,
        rating: null,
        ratedAt: null,
      },
    ]);
    expect(snapshot.items[0]!.externalIds).toEqual({ tmdb: "603" });
  });

  it("takes the rating of the row rated last by last_rated_at", async () => {
    const snapshot = await read(
      scenario([
        {
          accountId: 1,
          guid: GUID,
          rating: 4,
          lastRatedAt: "2023-01-01T00:00:00Z",
          updatedAt: "2024-01-01T00:00:00Z",
        },
        {
          accountId: 1,
          guid: GUID,
          rating: 8,
          lastRatedAt: "2023-06-01T00:00:00Z",
          updatedAt: "2023-06-01T00:00:00Z",
        },
        { accountId: 1, guid: GUID, viewCount: 1, lastViewedAt: "2025-01-01T00:00:00Z" },
      ]),
    );
    expect(snapshot.states[0]).toMatchObject({
      rating: 8,
      ratedAt: new Date("2023-06-01T00:00:00Z"),
      playCount: 1,
    });
  });

  it("falls back to updated_at, then the highest row id, where last_rated_at is missing (legacy)", async () => {
    const byUpdate = await read(
      scenario([
        { accountId: 1, guid: GUID, rating: 6, updatedAt: "2021-05-01T00:00:00Z" },
        { accountId: 1, guid: GUID, rating: 2, updatedAt: "2020-05-01T00:00:00Z" },
      ]),
      "legacy",
    );
    expect(byUpdate.states[0]).toMatchObject({ rating: 6, ratedAt: null });
    const byId = await read(
      scenario([
        { accountId: 1, guid: GUID, rating: 6, updatedAt: "2021-05-01T00:00:00Z" },
        { accountId: 1, guid: GUID, rating: 2, updatedAt: "2021-05-01T00:00:00Z" },
      ]),
      "legacy",
    );
    expect(byId.states[0]).toMatchObject({ rating: 2 });
  });

  it("keeps an unwatched row (count 0) as unplayed and ignores out-of-range ratings with a warning", async () => {
    const path = join(tempDir(), "odd.db");
    writePlexDatabase(
      path,
      scenario([{ accountId: 1, guid: GUID, viewCount: 0, lastViewedAt: "2020-01-01T00:00:00Z" }]),
    );
    const db = new Database(path);
    db.prepare(
      "INSERT INTO metadata_item_settings (account_id, guid, rating, view_count) VALUES (1, ?, 14, 0)",
    ).run(GUID);
    db.close();
    const snapshot = await openPlexDatabase(path, { timeZone: "UTC" }).read();
    expect(snapshot.states[0]).toMatchObject({ played: false, playCount: 0, rating: null });
    expect(snapshot.warnings.map((w) => w.code)).toContain("rating-out-of-range");
  });
});

describe("timestamps", () => {
  it("reads negative epochs (before 1970) and text timestamps side by side", async () => {
    const path = join(tempDir(), "mixed.db");
    writePlexDatabase(path, scenario([], [{ accountId: 1, guid: GUID, viewedAt: "1969-07-20T20:17:00Z" }]));
    const db = new Database(path);
    // A table converted to integers next to a leftover text row, as mid-migration databases have.
    db.prepare(
      "INSERT INTO metadata_item_views (account_id, guid, viewed_at) VALUES (1, ?, '1968-12-24 15:00:00')",
    ).run(GUID);
    db.close();
    const snapshot = await openPlexDatabase(path, { timeZone: "UTC" }).read();
    expect(snapshot.history).toEqual([
      { userId: "1", identity: GUID, plays: 2, lastViewedAt: new Date("1969-07-20T20:17:00Z") },
    ]);
  });

  it("reports unreadable timestamps instead of guessing", async () => {
    const path = join(tempDir(), "bad-time.db");
    writePlexDatabase(path, scenario([]));
    const db = new Database(path);
    db.prepare(
      "INSERT INTO metadata_item_views (account_id, guid, viewed_at) VALUES (1, ?, 'last tuesday')",
    ).run(GUID);
    db.close();
    const snapshot = await openPlexDatabase(path, { timeZone: "UTC" }).read();
    expect(snapshot.historyEventCount).toBe(1);
    expect(snapshot.history).toEqual([]);
    expect(snapshot.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(["unreadable-timestamp", "history-without-date"]),
    );
  });
});
