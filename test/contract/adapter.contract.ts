import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestEvent } from "../../src/http/client.js";
import type { ServiceError } from "../../src/http/errors.js";
import {
  EMPTY_USER_DATA,
  type TargetFeatures,
  type TargetItem,
  type TargetKind,
  type TargetUserData,
} from "../../src/model/index.js";
import { type ConnectedTarget, type ConnectOptions, connectTarget } from "../../src/targets/detect.js";
import { failure as targetFailure } from "../helpers/failure.js";

/**
 * One suite of adapter behaviours, run against every sandbox personality and, when
 * credentials are given, against real servers (rclone's fstests idea). It only creates and
 * then deletes its own uniquely named user, playlist and collection, and writes user data only
 * for that user.
 */
export interface ContractExpectations {
  kind: TargetKind;
  /** "10.9" matches "10.9.11". */
  versionPrefix?: string;
  features?: TargetFeatures;
  /**
   * How to connect again (bad key, base path, request counting); without it (an in-memory
   * target) the cases about connecting and the wire are skipped.
   */
  connect?: ConnectOptions;
  /** The same server under a base path that must work too (e.g. `${url}/emby`). */
  basePathUrl?: string;
  /** Exact number of indexed items, when known. */
  itemCount?: number;
  /** Items that must be in the index, found by title (and in the named library, when given). */
  items?: { title: string; match: Partial<TargetItem>; library?: string }[];
  /** Existing user data that must read back, by user name and item title. */
  userData?: { user: string; title: string; data: Partial<TargetUserData> }[];
  /** Request-side contract violations the server recorded (sandbox only). */
  violations?: () => string[];
}

export interface ContractFixture {
  adapter: ConnectedTarget;
  cleanup(): Promise<void>;
  expectations: ContractExpectations;
}

const LIST_PATHS = [
  /\/Items$/i,
  /\/Users\/Query$/i,
  /\/Playlists\/[^/]+\/Items$/i,
  /\/VirtualFolders\/Query$/i,
];

export function adapterContract(name: string, factory: () => Promise<ContractFixture>): void {
  describe(`adapter contract: ${name}`, () => {
    let fixture: ContractFixture;
    let adapter: ConnectedTarget;
    let x: ContractExpectations;
    let leaves: TargetItem[] = [];
    let testUserId: string | undefined;
    const tag = `plexodus-contract-${randomBytes(4).toString("hex")}`;

    beforeAll(async () => {
      fixture = await factory();
      adapter = fixture.adapter;
      x = fixture.expectations;
      const index = await adapter.index();
      leaves = index.items.filter((item) => item.kind === "movie" || item.kind === "episode");
      testUserId = (await adapter.createUser(tag, `pw-${randomBytes(6).toString("hex")}`)).id;
    });

    afterAll(async () => {
      if (testUserId) await adapter.deleteUser(testUserId).catch(() => undefined);
      adapter?.close();
      await fixture?.cleanup();
    });

    const connect = (overrides: Partial<ConnectOptions> = {}) =>
      connectTarget({ ...x.connect!, retry: { attempts: 1 }, ...overrides });

    /** A ServiceError, which never shows the API key. */
    async function failure(promise: Promise<unknown>): Promise<ServiceError> {
      const target = await targetFailure(promise);
      if (x.connect) expect(`${target.message} ${target.hint ?? ""}`).not.toContain(x.connect.apiKey);
      return target;
    }

    it("detects kind, version and features", () => {
      expect(adapter.info.kind).toBe(x.kind);
      if (x.versionPrefix) expect(adapter.info.version.startsWith(`${x.versionPrefix}.`)).toBe(true);
      if (x.features) expect(adapter.info.features).toEqual(x.features);
      if (x.connect) expect(adapter.info.url).not.toContain(x.connect.apiKey);
    });

    it("refuses a bad API key at connect time with exit 4", async (context) => {
      if (!x.connect) return context.skip();
      const error = await failure(connect({ apiKey: `wrong-${x.connect.apiKey}` }));
      expect(error.category).toBe("auth");
      expect(error.exitCode).toBe(4);
    });

    it("calls a closed port unreachable with exit 4", async (context) => {
      if (!x.connect) return context.skip();
      const error = await failure(connect({ url: "http://127.0.0.1:1" }));
      expect(error.category).toBe("unreachable");
      expect(error.exitCode).toBe(4);
    });

    it("refuses the wrong --target-kind", async (context) => {
      if (!x.connect) return context.skip();
      const other = x.kind === "jellyfin" ? "emby" : "jellyfin";
      const error = await failure(connect({ kind: other }));
      expect(error.message).toContain(`not ${other}`);
    });

    it("works under a base path", async (context) => {
      if (!x.basePathUrl || !x.connect) return context.skip();
      const viaBase = await connect({ url: x.basePathUrl });
      try {
        expect(viaBase.info.serverId).toBe(adapter.info.serverId);
        expect((await viaBase.listUsers()).length).toBeGreaterThan(0);
      } finally {
        viaBase.close();
      }
    });

    it("indexes every item with ids, paths and episode numbers", async () => {
      const index = await adapter.index();
      const ids = index.items.map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      if (x.itemCount !== undefined) expect(index.items).toHaveLength(x.itemCount);
      const libraries = new Set(index.libraries.map((library) => library.id));
      for (const item of index.items) {
        expect(item.libraryId === null || libraries.has(item.libraryId)).toBe(true);
        if (item.kind === "episode") expect(item.showId).not.toBeNull();
      }
      for (const expected of x.items ?? []) {
        const found = index.items.find((item) => item.title === expected.title);
        expect(found, expected.title).toBeDefined();
        expect(found).toMatchObject(expected.match);
        if (expected.library !== undefined) {
          const library = index.libraries.find((l) => l.id === found?.libraryId);
          expect(library?.name, `library of ${expected.title}`).toBe(expected.library);
        }
      }
    });

    it("reads user data in pages, absent items as empty", async () => {
      const users = await adapter.listUsers();
      const index = await adapter.index();
      for (const expected of x.userData ?? []) {
        const user = users.find((u) => u.name === expected.user);
        const item = index.items.find((i) => i.title === expected.title);
        expect(user && item).toBeTruthy();
        const ids = [...index.items.map((i) => i.id)];
        const data = await adapter.readUserData(user!.id, ids);
        expect(data.size).toBe(new Set(ids).size);
        expect(data.get(item!.id)).toMatchObject(expected.data);
        expect(await adapter.getUserData(user!.id, item!.id)).toMatchObject(expected.data);
      }
      const mine = await adapter.readUserData(
        testUserId!,
        leaves.map((leaf) => leaf.id),
      );
      for (const value of mine.values()) expect(value).toMatchObject({ played: false, playCount: 0 });
    });

    it("sets user data absolutely and idempotently, or refuses where the version cannot", async () => {
      const item = leaves[0]!;
      const lastPlayedAt = new Date("2024-03-04T05:06:07.000Z");
      const change = { played: true, playCount: 3, lastPlayedAt, positionMs: 0 };
      if (!adapter.info.features.userDataWrite) {
        const error = await failure(adapter.setUserData(testUserId!, item.id, change));
        expect(error.category).toBe("failed");
        expect(error.message).toMatch(/no absolute user-data write/);
        return;
      }
      expect(await adapter.setUserData(testUserId!, item.id, change)).toMatchObject(change);
      await adapter.setUserData(testUserId!, item.id, change);
      expect(await adapter.getUserData(testUserId!, item.id)).toMatchObject({ playCount: 3, played: true });

      // Position and rating without disturbing the rest.
      await adapter.setUserData(testUserId!, item.id, { positionMs: 754_321, rating: 8 });
      expect(await adapter.getUserData(testUserId!, item.id)).toMatchObject({
        ...change,
        positionMs: 754_321,
        rating: 8,
      });
      const cleared = await adapter.setUserData(testUserId!, item.id, { rating: null });
      expect(cleared).toMatchObject({ rating: null, playCount: 3, positionMs: 754_321 });

      // Back to nothing, date included.
      const empty = { ...EMPTY_USER_DATA };
      expect(await adapter.setUserData(testUserId!, item.id, empty)).toEqual(empty);
    });

    it("sends a write whose stored state comes from its answer or from a read-back, as the adapter says", async () => {
      if (!adapter.info.features.userDataWrite) return;
      const item = leaves[1]!;
      const change = { played: true, playCount: 4, positionMs: 0 };
      const sent = await adapter.sendUserData(testUserId!, item.id, change);
      expect(sent.stored === undefined).toBe(adapter.userDataReadBack);
      const read = (await adapter.readUserData(testUserId!, [item.id])).get(item.id)!;
      expect(sent.stored ?? sent.confirm!(read)).toMatchObject(change);
      await adapter.setUserData(testUserId!, item.id, { ...EMPTY_USER_DATA });
    });

    it("creates, lists and deletes users, checking name rules first", async () => {
      const name = `${tag}-u`;
      const user = await adapter.createUser(name, "secret-pass-1");
      try {
        expect((await adapter.listUsers()).some((u) => u.id === user.id && u.name === name)).toBe(true);
      } finally {
        await adapter.deleteUser(user.id);
      }
      expect((await adapter.listUsers()).some((u) => u.id === user.id)).toBe(false);
      const bad = await failure(adapter.createUser("bad\u0007name", "x"));
      expect(bad.category).toBe("failed");
      expect(bad.message).toMatch(/not a valid/);
    });

    it("sets a created user's password in a request of its own only where the server needs one", async () => {
      const user = await adapter.createUser(`${tag}-p`, "secret-pass-1");
      try {
        if (adapter.passwordAfterCreation) {
          await adapter.setCreatedUserPassword(user.id, "secret-pass-2");
        } else {
          const refused = await failure(adapter.setCreatedUserPassword(user.id, "secret-pass-2"));
          expect(refused.category).toBe("failed");
          expect(refused.message).not.toContain("secret-pass");
        }
      } finally {
        await adapter.deleteUser(user.id);
      }
    });

    it("keeps playlists private, owned and in order; appends, removes and deletes", async () => {
      const title = `${tag} playlist`;
      const items = leaves.slice(0, 3).map((leaf) => leaf.id);
      if (!adapter.info.features.privatePlaylists) {
        const error = await failure(adapter.createPlaylist(testUserId!, title, items));
        expect(error.message).toMatch(/not supported/);
        return;
      }
      const created = await adapter.createPlaylist(testUserId!, title, items);
      try {
        expect(created.entries.map((entry) => entry.itemId)).toEqual(items);
        const mine = await adapter.listPlaylists(testUserId!);
        const listed = mine.find((playlist) => playlist.id === created.id);
        expect(listed).toMatchObject({ title, ownerUserId: testUserId });
        const others = (await adapter.listUsers()).filter((u) => u.id !== testUserId);
        for (const other of others.slice(0, 2)) {
          expect((await adapter.listPlaylists(other.id)).some((p) => p.id === created.id)).toBe(false);
        }

        const more = leaves.slice(3, 5).map((leaf) => leaf.id);
        await adapter.addToPlaylist(testUserId!, created.id, more);
        let entries = (await adapter.listPlaylists(testUserId!)).find((p) => p.id === created.id)!.entries;
        expect(entries.map((entry) => entry.itemId)).toEqual([...items, ...more]);

        // Jellyfin 10.9–10.10 refuse it to an API key, and say so in their features.
        if (adapter.info.features.playlistEntryRemoval === false) {
          const error = await failure(
            adapter.removeFromPlaylist(testUserId!, created.id, [entries[0]!.entryId]),
          );
          expect(error.message).toMatch(/not supported/);
        } else {
          await adapter.removeFromPlaylist(testUserId!, created.id, [entries[0]!.entryId]);
          entries = (await adapter.listPlaylists(testUserId!)).find((p) => p.id === created.id)!.entries;
          expect(entries.map((entry) => entry.itemId)).toEqual([...items.slice(1), ...more]);
        }
      } finally {
        await adapter.deletePlaylist(testUserId!, created.id);
      }
      expect((await adapter.listPlaylists(testUserId!)).some((p) => p.id === created.id)).toBe(false);
    });

    it("creates large playlists in batches, order kept", async (context) => {
      if (!adapter.info.features.privatePlaylists || leaves.length < 150) return context.skip();
      const items = leaves.slice(0, 230).map((leaf) => leaf.id);
      const created = await adapter.createPlaylist(testUserId!, `${tag} big`, items);
      try {
        expect(created.entries.map((entry) => entry.itemId)).toEqual(items);
      } finally {
        await adapter.deletePlaylist(testUserId!, created.id);
      }
    });

    it("creates collections, adds and removes members, deletes them", async () => {
      const title = `${tag} collection`;
      const [a, b, c] = leaves.map((leaf) => leaf.id);
      const created = await adapter.createCollection(title, [a!, b!]);
      try {
        const find = async () => (await adapter.listCollections()).find((col) => col.id === created.id);
        expect(new Set((await find())?.memberIds)).toEqual(new Set([a, b]));
        await adapter.addToCollection(created.id, [c!]);
        expect(new Set((await find())?.memberIds)).toEqual(new Set([a, b, c]));
        await adapter.removeFromCollection(created.id, [a!]);
        expect(new Set((await find())?.memberIds)).toEqual(new Set([b, c]));
      } finally {
        await adapter.deleteCollection(created.id);
      }
      expect((await adapter.listCollections()).some((col) => col.id === created.id)).toBe(false);
    });

    it("sends no list request without paging limits", async (context) => {
      if (!x.connect) return context.skip();
      const events: RequestEvent[] = [];
      const counted = await connect({ onRequest: (event) => events.push(event) });
      try {
        const index = await counted.index();
        await counted.listUsers();
        await counted.readUserData(
          testUserId!,
          index.items.map((item) => item.id),
        );
        await counted.listCollections();
        if (counted.info.features.privatePlaylists) await counted.listPlaylists(testUserId!);
      } finally {
        counted.close();
      }
      const lists = events.filter((e) => e.method === "GET" && LIST_PATHS.some((p) => p.test(e.path)));
      expect(lists.length).toBeGreaterThan(0);
      for (const event of lists) {
        const keys = Object.keys(event.query).map((key) => key.toLowerCase());
        expect(keys, `${event.path}`).toContain("startindex");
        expect(keys, `${event.path}`).toContain("limit");
      }
    });

    it("keeps the API key out of errors the server causes", async () => {
      const missing = adapter.info.kind === "jellyfin" ? "0".repeat(32) : "999999999";
      const error = await failure(adapter.deleteCollection(missing));
      expect(["failed", "transient"]).toContain(error.category);
    });

    it("made no request the server's contract forbids", () => {
      expect(x.violations?.() ?? []).toEqual([]);
    });
  });
}
