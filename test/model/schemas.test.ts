import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  CollectionSchema,
  HistorySummarySchema,
  ItemSchema,
  LibrarySchema,
  PlaylistSchema,
  SnapshotSchema,
  SourceInfoSchema,
  SourceUserSchema,
  TargetItemSchema,
  TargetUserDataSchema,
  WatchStateSchema,
} from "../../src/model/index.js";
import { HistoryEventSchema } from "../helpers/history-event.js";

const when = new Date("2024-05-01T12:00:00Z");
const item = {
  key: "10",
  identity: "plex://movie/5d776825880197001ec90a6f",
  kind: "movie",
  libraryId: "1",
  title: "The Matrix",
  year: 1999,
  externalIds: { imdb: "tt0133093", tmdb: "603" },
  showExternalIds: {},
  filePaths: ["/movies/The Matrix (1999)/The Matrix.mkv"],
  parentKey: null,
  grandparentKey: null,
  seasonNumber: null,
  episodeNumber: null,
  durationMs: 8_160_000,
  isDeleted: false,
};
const state = {
  userId: "1",
  identity: item.identity,
  played: true,
  playCount: 3,
  lastPlayedAt: when,
  positionMs: 0,
  rating: 8,
  ratedAt: null,
};
const user = {
  id: "1",
  name: "owner",
  isOwner: true,
  isPlaceholder: false,
  unknownFields: [],
  inferredFields: [],
};
const library = { id: "1", name: "Movies", kind: "movie", rootPaths: ["/movies"] };
const playlist = {
  key: "50",
  ownerUserId: "1",
  title: "Faves",
  mediaKind: "video",
  isSmart: false,
  entries: ["10"],
};
const collection = { key: "60", libraryId: "1", title: "Saga", isSmart: false, memberKeys: ["10"] };
const source = {
  kind: "plex-db",
  serverName: null,
  serverId: null,
  schemaFingerprint: "abc",
  schemaVersion: null,
  readAt: when,
};

function rejects<T extends z.ZodType>(schema: T, base: object, patch: object) {
  expect(schema.safeParse(base).success).toBe(true);
  expect(schema.safeParse({ ...base, ...patch }).success).toBe(false);
}

describe("model schemas accept good values and reject bad ones", () => {
  it("SourceInfo", () => {
    rejects(SourceInfoSchema, source, { kind: "jellyfin" });
    rejects(SourceInfoSchema, source, { schemaFingerprint: "" });
    rejects(SourceInfoSchema, source, { readAt: "2024-01-01" });
  });

  it("SourceUser", () => {
    rejects(SourceUserSchema, user, { id: "0" });
    rejects(SourceUserSchema, user, { id: "-3" });
    rejects(SourceUserSchema, user, { name: "" });
    rejects(SourceUserSchema, user, { unknownFields: ["passwords"] });
  });

  it("Library", () => {
    rejects(LibrarySchema, library, { kind: "books" });
    rejects(LibrarySchema, library, { rootPaths: [""] });
  });

  it("Item", () => {
    rejects(ItemSchema, item, { kind: "photo" });
    rejects(ItemSchema, item, { externalIds: { IMDB: "tt1" } });
    rejects(ItemSchema, item, { externalIds: { imdb: "" } });
    rejects(ItemSchema, item, { year: 1999.5 });
    rejects(ItemSchema, item, { seasonNumber: -1 });
    rejects(ItemSchema, item, { durationMs: -5 });
    rejects(ItemSchema, item, { filePaths: [""] });
    rejects(ItemSchema, item, { identity: "" });
  });

  it("WatchState", () => {
    rejects(WatchStateSchema, state, { playCount: -1 });
    rejects(WatchStateSchema, state, { playCount: 1.5 });
    rejects(WatchStateSchema, state, { positionMs: -1 });
    rejects(WatchStateSchema, state, { rating: 11 });
    rejects(WatchStateSchema, state, { lastPlayedAt: 1714564800 });
  });

  it("allows dates before 1970", () => {
    expect(
      WatchStateSchema.safeParse({ ...state, lastPlayedAt: new Date("1965-03-01T00:00:00Z") }).success,
    ).toBe(true);
  });

  it("HistoryEvent and HistorySummary", () => {
    const event = { userId: "1", identity: item.identity, itemKey: null, viewedAt: when };
    rejects(HistoryEventSchema, event, { viewedAt: null });
    const summary = { userId: "1", identity: item.identity, plays: 2, lastViewedAt: when };
    rejects(HistorySummarySchema, summary, { plays: 0 });
  });

  it("Playlist and Collection", () => {
    rejects(PlaylistSchema, playlist, { mediaKind: "music" });
    rejects(PlaylistSchema, playlist, { entries: [""] });
    rejects(CollectionSchema, collection, { memberKeys: "10" });
  });

  it("Snapshot", () => {
    const snapshot = {
      source,
      users: [user],
      libraries: [library],
      items: [item],
      states: [state],
      history: [],
      historyEventCount: 0,
      playlists: [playlist],
      collections: [collection],
      orphanedStateCount: 0,
      warnings: [],
    };
    rejects(SnapshotSchema, snapshot, { orphanedStateCount: -1 });
    rejects(SnapshotSchema, snapshot, { users: [{ ...user, isOwner: "yes" }] });
  });

  it("TargetItem and TargetUserData", () => {
    const target = {
      id: "abc",
      kind: "episode",
      libraryId: null,
      title: "Pilot",
      year: null,
      externalIds: {},
      paths: [],
      showId: "s1",
      parentId: null,
      seasonNumber: 1,
      episodeNumber: 1,
      episodeNumberEnd: 2,
    };
    rejects(TargetItemSchema, target, { kind: "boxset" });
    const data = {
      played: true,
      playCount: 1,
      lastPlayedAt: when,
      positionMs: 0,
      rating: null,
      isFavorite: false,
    };
    rejects(TargetUserDataSchema, data, { playCount: -2 });
    rejects(TargetUserDataSchema, data, { rating: -1 });
  });
});
