import { ServiceError } from "../../src/http/errors.js";
import {
  EMPTY_USER_DATA,
  sameName,
  type TargetCollection,
  type TargetIndex,
  type TargetPlaylist,
  type TargetServerInfo,
  type TargetUser,
  type TargetUserData,
  type UserNameRule,
} from "../../src/model/index.js";
import { dialectFor } from "../../src/targets/families.js";
import { compare } from "../../src/targets/mediabrowser/userdata.js";
import type { TargetAdapter, TargetWarning, UserDataChange, UserDataSent } from "../../src/targets/types.js";

/**
 * An in-memory target that keeps the adapter contract faithfully: absolute user-data writes,
 * server-made ids, playlists owned by a user with their own entry ids, global collections,
 * duplicates dropped, unknown ids and invalid user names refused, errors as ServiceError.
 * test/contract/fake-target.test.ts holds it to the same contract suite as the sandbox.
 * Fault hooks simulate what a real server and a real network do to a long run.
 */
export interface FakeFaults {
  /** Delay of every call. */
  latencyMs?: number;
  /** 1-based numbers of write requests answered 503 (nothing applied). */
  failWrites?: number[];
  /** Share of write requests answered 503, drawn from a seeded RNG. */
  failRate?: number;
  seed?: number;
  /** Retry-After carried by those 503s. */
  retryAfterMs?: number;
  /** 1-based numbers of write requests that are applied but whose response is lost. */
  loseResponses?: number[];
  /** Every request after this many answers 401. */
  revokeAuthAfterRequests?: number;
  /**
   * After this many write requests, every further one throws a plain Error (a crash). Counted by
   * request, not by applied write: writes in flight together would all pass an applied count.
   */
  crashAfterWrites?: number;
  /** This 1-based write request is applied, then a plain Error is thrown (a crash before the confirmation). */
  crashAfterApplyingWrite?: number;
  /** Called after each applied write with the number of the request. */
  afterWrite?: (n: number) => void;
}

export interface FakeState {
  users: TargetUser[];
  userData: Record<string, unknown>;
  playlists: TargetPlaylist[];
  collections: TargetCollection[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const definedIn = (change: UserDataChange): UserDataChange =>
  Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));

const copyData = (d: TargetUserData): TargetUserData => ({
  ...d,
  lastPlayedAt: d.lastPlayedAt === null ? null : new Date(d.lastPlayedAt.getTime()),
});

export class FakeTarget implements TargetAdapter {
  info: TargetServerInfo = {
    kind: "jellyfin",
    version: "10.10.7",
    serverId: "fake-server-1",
    serverName: "Fake",
    url: "http://127.0.0.1:8096/",
    features: { userDataWrite: true, privatePlaylists: true },
  };
  faults: FakeFaults = {};
  /** The name rule of the dialect the fake's kind and version would get. */
  get userNames(): UserNameRule {
    return dialectFor(this.info.kind, this.info.version).userNames;
  }
  /** A known version: nothing to warn about. */
  readonly warnings: readonly TargetWarning[] = [];
  /** Write requests received (whatever their fate). */
  writes = 0;
  /** Writes that changed state. */
  appliedWrites = 0;
  requests = 0;
  concurrent = 0;
  maxConcurrent = 0;
  private readonly inFlight = { read: 0, write: 0 };
  /** Most calls of each kind seen at once. */
  readonly maxInFlight = { read: 0, write: 0 };
  /** Time (ms since epoch), operation and subject of every write request. */
  writeLog: { at: number; op: string; subject: string; outcome: "ok" | "503" | "lost" }[] = [];
  /** Passwords the server was given, to check they match the credentials file. */
  readonly passwords = new Map<string, string>();

  private readonly users = new Map<string, TargetUser>();
  private readonly items = new Set<string>();
  private readonly data = new Map<string, TargetUserData>();
  private readonly playlists = new Map<string, TargetPlaylist>();
  private readonly collections = new Map<string, TargetCollection>();
  private nextId = 1;
  private rng = mulberry32(1);

  private readonly library: TargetIndex;

  /** `items` are bare ids; `index` is what index() lists (its items are known ids too). */
  constructor(setup: { users?: string[]; items?: string[]; index?: TargetIndex } = {}) {
    this.library = setup.index ?? { libraries: [], items: [] };
    for (const name of setup.users ?? []) this.addUser(name);
    for (const id of setup.items ?? []) this.items.add(id);
    for (const item of this.library.items) this.items.add(item.id);
  }

  setFaults(faults: FakeFaults): void {
    this.faults = faults;
    this.rng = mulberry32(faults.seed ?? 1);
  }

  addUser(name: string): TargetUser {
    const user = { id: this.id("u"), name, isAdmin: false };
    this.users.set(user.id, user);
    return user;
  }

  userId(name: string): string {
    const user = [...this.users.values()].find((u) => sameName(u.name, name));
    if (!user) throw new Error(`no user ${name}`);
    return user.id;
  }

  /** Direct state changes, as another client of the server would make them. */
  poke(userId: string, itemId: string, change: UserDataChange): void {
    this.apply(userId, itemId, change);
  }

  state(): FakeState {
    const userData: Record<string, unknown> = {};
    for (const [key, value] of [...this.data.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const plain = { ...value, lastPlayedAt: value.lastPlayedAt?.toISOString() ?? null };
      const empty = { ...EMPTY_USER_DATA, lastPlayedAt: null };
      if (JSON.stringify(plain) !== JSON.stringify(empty)) userData[key] = plain;
    }
    return structuredClone({
      users: [...this.users.values()],
      userData,
      playlists: [...this.playlists.values()],
      collections: [...this.collections.values()],
    });
  }

  /** A fake holds no connection. */
  close(): void {}

  // ---- reads

  check = () => this.call("read", "check", async () => ({ ...this.info }));
  listUsers = () =>
    this.call("read", "listUsers", async () => [...this.users.values()].map((u) => ({ ...u })));
  index = () => this.call("read", "index", async (): Promise<TargetIndex> => structuredClone(this.library));
  readUserData = (userId: string, itemIds: readonly string[]) =>
    this.call("read", "readUserData", async () => new Map(itemIds.map((id) => [id, this.read(userId, id)])));
  getUserData = (userId: string, itemId: string) =>
    this.call("read", "getUserData", async () => this.read(userId, itemId));
  listPlaylists = (userId: string) =>
    this.call("read", "listPlaylists", async () =>
      [...this.playlists.values()].filter((p) => p.ownerUserId === userId).map((p) => structuredClone(p)),
    );
  listCollections = () =>
    this.call("read", "listCollections", async () =>
      [...this.collections.values()].map((c) => structuredClone(c)),
    );

  // ---- writes

  createUser = (name: string, password: string) =>
    this.call("write", "createUser", async () => {
      if (!this.userNames.accepts.test(name)) {
        throw new ServiceError("failed", `${JSON.stringify(name)} is not a valid user name`);
      }
      if ([...this.users.values()].some((u) => sameName(u.name, name))) {
        throw new ServiceError("failed", `a user named ${name} exists (400)`, { status: 400 });
      }
      this.passwords.set(name, password);
      return this.addUser(name);
    });
  /** Like Jellyfin: the creation request carries the password. */
  readonly passwordAfterCreation = false;
  setCreatedUserPassword = (_userId: string, _password: string) =>
    this.call("write", "setCreatedUserPassword", async () => {
      throw new ServiceError("failed", "this server takes a password only at creation");
    });
  deleteUser = (userId: string) =>
    this.call("write", "deleteUser", async () => {
      if (!this.users.delete(this.user(userId).id)) return;
      for (const key of [...this.data.keys()]) if (key.startsWith(`${userId}/`)) this.data.delete(key);
      for (const [id, p] of this.playlists) if (p.ownerUserId === userId) this.playlists.delete(id);
    });
  setUserData = (userId: string, itemId: string, change: UserDataChange) =>
    this.call("write", "setUserData", async () => this.apply(userId, itemId, change), `${userId}/${itemId}`);
  /**
   * Like Jellyfin 10.9+ the write answers the stored state; with `userDataReadBack` set, like
   * Emby it answers nothing and the caller reads the item back and confirms.
   */
  userDataReadBack = false;
  sendUserData = (userId: string, itemId: string, change: UserDataChange): Promise<UserDataSent> =>
    this.call(
      "write",
      "setUserData",
      async (): Promise<UserDataSent> => {
        const stored = this.apply(userId, itemId, change);
        if (!this.userDataReadBack) return { stored };
        return {
          confirm: (read) => {
            const wrong = compare({ ...read, ...definedIn(change) }, read);
            if (wrong.length > 0)
              throw new ServiceError("failed", `not stored as asked: ${wrong.join("; ")}`);
            return read;
          },
        };
      },
      `${userId}/${itemId}`,
    );
  createPlaylist = (userId: string, title: string, itemIds: readonly string[]) =>
    this.call("write", "createPlaylist", async () => {
      this.user(userId);
      this.known(itemIds);
      const playlist: TargetPlaylist = { id: this.id("p"), title, ownerUserId: userId, entries: [] };
      this.append(playlist, itemIds);
      this.playlists.set(playlist.id, playlist);
      return structuredClone(playlist);
    });
  addToPlaylist = (userId: string, playlistId: string, itemIds: readonly string[]) =>
    this.call("write", "addToPlaylist", async () => {
      this.known(itemIds);
      this.append(this.playlist(userId, playlistId), itemIds);
    });
  removeFromPlaylist = (userId: string, playlistId: string, entryIds: readonly string[]) =>
    this.call("write", "removeFromPlaylist", async () => {
      const playlist = this.playlist(userId, playlistId);
      playlist.entries = playlist.entries.filter((e) => !entryIds.includes(e.entryId));
    });
  deletePlaylist = (userId: string, playlistId: string) =>
    this.call("write", "deletePlaylist", async () => {
      this.playlists.delete(this.playlist(userId, playlistId).id);
    });
  createCollection = (title: string, itemIds: readonly string[]) =>
    this.call("write", "createCollection", async () => {
      this.known(itemIds);
      const collection: TargetCollection = { id: this.id("c"), title, memberIds: [...new Set(itemIds)] };
      this.collections.set(collection.id, collection);
      return structuredClone(collection);
    });
  addToCollection = (collectionId: string, itemIds: readonly string[]) =>
    this.call("write", "addToCollection", async () => {
      this.known(itemIds);
      const collection = this.collection(collectionId);
      collection.memberIds = [...new Set([...collection.memberIds, ...itemIds])];
    });
  removeFromCollection = (collectionId: string, itemIds: readonly string[]) =>
    this.call("write", "removeFromCollection", async () => {
      const collection = this.collection(collectionId);
      collection.memberIds = collection.memberIds.filter((id) => !itemIds.includes(id));
    });
  deleteCollection = (collectionId: string) =>
    this.call("write", "deleteCollection", async () => {
      this.collections.delete(this.collection(collectionId).id);
    });

  // ---- machinery

  private async call<T>(kind: "read" | "write", op: string, fn: () => Promise<T>, subject = ""): Promise<T> {
    this.requests += 1;
    this.concurrent += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    this.inFlight[kind] += 1;
    this.maxInFlight[kind] = Math.max(this.maxInFlight[kind], this.inFlight[kind]);
    try {
      const f = this.faults;
      if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
      if (f.revokeAuthAfterRequests !== undefined && this.requests > f.revokeAuthAfterRequests) {
        throw new ServiceError("auth", "the target refused the API key (401)", { status: 401 });
      }
      if (kind === "read") return await fn();
      this.writes += 1;
      const n = this.writes;
      const unavailable = f.failWrites?.includes(n) || (f.failRate !== undefined && this.rng() < f.failRate);
      if (unavailable) {
        this.writeLog.push({ at: Date.now(), op, subject, outcome: "503" });
        throw new ServiceError("transient", "the target answered 503", {
          status: 503,
          ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }),
        });
      }
      if (f.crashAfterWrites !== undefined && n > f.crashAfterWrites) {
        throw new Error("simulated crash");
      }
      const result = await fn();
      this.appliedWrites += 1;
      f.afterWrite?.(n);
      if (f.crashAfterApplyingWrite === n) throw new Error("simulated crash after the write landed");
      if (f.loseResponses?.includes(n)) {
        this.writeLog.push({ at: Date.now(), op, subject, outcome: "lost" });
        throw new ServiceError("transient", "connection reset before the response");
      }
      this.writeLog.push({ at: Date.now(), op, subject, outcome: "ok" });
      return result;
    } finally {
      this.concurrent -= 1;
      this.inFlight[kind] -= 1;
    }
  }

  private id(prefix: string): string {
    return `${prefix}${this.nextId++}`;
  }

  private user(userId: string): TargetUser {
    const user = this.users.get(userId);
    if (!user) throw new ServiceError("failed", `unknown user ${userId} (404)`, { status: 404 });
    return user;
  }

  private known(itemIds: readonly string[]): void {
    const unknown = itemIds.find((id) => !this.items.has(id));
    if (unknown !== undefined)
      throw new ServiceError("failed", `unknown item ${unknown} (400)`, { status: 400 });
  }

  private read(userId: string, itemId: string): TargetUserData {
    this.user(userId);
    this.known([itemId]);
    return copyData(this.data.get(`${userId}/${itemId}`) ?? EMPTY_USER_DATA);
  }

  private apply(userId: string, itemId: string, change: UserDataChange): TargetUserData {
    const next = { ...this.read(userId, itemId) };
    for (const [field, value] of Object.entries(change)) {
      if (value !== undefined) (next as Record<string, unknown>)[field] = value;
    }
    this.data.set(`${userId}/${itemId}`, copyData(next));
    return copyData(next);
  }

  private append(playlist: TargetPlaylist, itemIds: readonly string[]): void {
    for (const itemId of itemIds) {
      if (playlist.entries.some((e) => e.itemId === itemId)) continue;
      playlist.entries.push({ itemId, entryId: this.id("e") });
    }
  }

  private playlist(userId: string, playlistId: string): TargetPlaylist {
    const playlist = this.playlists.get(playlistId);
    if (!playlist || playlist.ownerUserId !== userId)
      throw new ServiceError("failed", "no such playlist (404)", { status: 404 });
    return playlist;
  }

  private collection(collectionId: string): TargetCollection {
    const collection = this.collections.get(collectionId);
    if (!collection) throw new ServiceError("failed", "no such collection (404)", { status: 404 });
    return collection;
  }
}
