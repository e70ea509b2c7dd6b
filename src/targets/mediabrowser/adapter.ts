import { z } from "zod";
import type { HttpClient } from "../../http/client.js";
import { ServiceError } from "../../http/errors.js";
import { redactCredentials } from "../../http/redact.js";
import type {
  TargetCollection,
  TargetIndex,
  TargetItem,
  TargetLibrary,
  TargetPlaylist,
  TargetServerInfo,
  TargetUser,
  TargetUserData,
  UserNameRule,
} from "../../model/index.js";
import type { Progress } from "../../progress.js";
import { checkSupported, identify } from "../families.js";
import {
  type TargetAdapter,
  type TargetWarning,
  type UserDataChange,
  type UserDataSent,
  UserWithoutPasswordError,
} from "../types.js";
import { batches, checkId, fetchAll, listing, mapLimit, type Wire } from "./context.js";
import { casedQuery, type Dialect } from "./dialect.js";
import { Playlists } from "./playlists.js";
import {
  CreatedWire,
  INDEXED_TYPES,
  ItemWire,
  PublicSystemInfoWire,
  toLibrary,
  toTargetItem,
  toUser,
  UserWire,
  VirtualFolderWire,
} from "./schema.js";
import * as userData from "./userdata.js";

const MemberWire = z.object({ Id: z.string().min(1) });
const BoxSetWire = z.object({ Id: z.string().min(1), Name: z.string().nullish() });

/** The one adapter for Jellyfin and Emby; every difference is a member of `dialect`. */
export class MediaBrowserAdapter implements TargetAdapter {
  private readonly wire: Wire;
  private readonly playlists: Playlists;
  /**
   * User creations run one at a time: Jellyfin numbers a new user max(InternalId) + 1, so two
   * made at once get the same number (observed on 12.0.0) and then share the user-data cache
   * that item listings read — each sees the other's watched state.
   */
  private creating: Promise<unknown> = Promise.resolve();

  constructor(
    http: HttpClient,
    dialect: Dialect,
    readonly info: TargetServerInfo,
    concurrency = 4,
    readonly warnings: readonly TargetWarning[] = [],
  ) {
    this.wire = { http, dialect, concurrency: Math.max(1, concurrency) };
    this.playlists = new Playlists(
      this.wire,
      () => this.info,
      async () => (await this.listUsers()).map((user) => user.id),
    );
  }

  get userNames(): UserNameRule {
    return this.wire.dialect.userNames;
  }

  /** Reachability, identity (must still be the server this adapter was built for), admin key. */
  async check(): Promise<TargetServerInfo> {
    const { http, dialect } = this.wire;
    // Both reads at once (one round trip, not two); their failures are judged in this order.
    const identity = http.get("/System/Info/Public", { schema: PublicSystemInfoWire });
    // An admin-only read: a valid key of a non-admin fails here (403 → exit 4), not mid-run.
    const adminRead = this.libraries();
    adminRead.catch(() => undefined);
    const found = identify(await identity, http.serverUrl);
    checkSupported(found.kind, found.version, http.serverUrl);
    if (found.kind !== dialect.kind || found.version !== dialect.version) {
      throw new ServiceError(
        "failed",
        `${http.serverUrl} is now ${found.kind} ${found.version}, not ${dialect.kind} ${dialect.version}`,
      );
    }
    await adminRead;
    return this.info;
  }

  async listUsers(): Promise<TargetUser[]> {
    const { http, dialect } = this.wire;
    const route = dialect.users();
    if (!route.paged)
      return (await http.get(route.path, { query: route.query, schema: z.array(UserWire) })).map(toUser);
    try {
      return (await fetchAll(this.wire, route, {}, UserWire)).map(toUser);
    } catch (error) {
      // Emby documents /Users/Query; builds without it still answer the older /Users.
      if (!(error instanceof ServiceError && error.status === 404)) throw error;
      return (await http.get("/Users", { schema: z.array(UserWire) })).map(toUser);
    }
  }

  createUser(name: string, password: string): Promise<TargetUser> {
    const created = this.creating.then(() => this.createUserNow(name, password));
    this.creating = created.catch(() => undefined);
    return created;
  }

  private async createUserNow(name: string, password: string): Promise<TargetUser> {
    const { http, dialect } = this.wire;
    if (!dialect.userNames.accepts.test(name)) {
      throw new ServiceError(
        "failed",
        `${JSON.stringify(name)} is not a valid ${dialect.userNames.server} user name`,
      );
    }
    const body = this.passwordAfterCreation ? { Name: name } : { Name: name, Password: password };
    let user: TargetUser;
    try {
      user = toUser(await http.post("/Users/New", { body, schema: UserWire }));
    } catch (error) {
      throw scrub(error, password);
    }
    if (this.passwordAfterCreation && password !== "") {
      try {
        await this.setCreatedUserPassword(user.id, password);
      } catch (error) {
        // A user left without the intended password is worse than no user.
        const deleted = await this.deleteUser(user.id).then(
          () => true,
          () => false,
        );
        if (!deleted) throw new UserWithoutPasswordError(user.id, user.name, error, { deleteFailed: true });
        throw error;
      }
    }
    return user;
  }

  get passwordAfterCreation(): boolean {
    // A dialect without a password route takes the password at creation (Jellyfin).
    return this.wire.dialect.password("") !== null;
  }

  async setCreatedUserPassword(userId: string, password: string): Promise<void> {
    const { http, dialect } = this.wire;
    checkId(this.wire, userId, "user");
    const route = dialect.password(userId);
    if (route === null) {
      throw new ServiceError(
        "failed",
        `${dialect.kind} ${dialect.version} takes a password only at creation`,
      );
    }
    try {
      await http.post(route.path, { query: route.query, body: { Id: userId, NewPw: password } });
    } catch (error) {
      throw scrub(error, password);
    }
  }

  async deleteUser(userId: string): Promise<void> {
    checkId(this.wire, userId, "user");
    await this.wire.http.delete(this.wire.dialect.user(userId).path);
  }

  async index(progress?: Progress): Promise<TargetIndex> {
    const libraries = await this.libraries();
    const task = progress?.task("indexing target");
    const byId = new Map<string, TargetItem>();
    let known = 0;
    for (const library of libraries) {
      let counted = false;
      const query = listing(this.wire, INDEXED_TYPES, {
        parentId: library.id,
        fields: ["ProviderIds", "Path", "MediaSources", "ParentId"],
        enableUserData: false,
      });
      const wires = await fetchAll(this.wire, this.wire.dialect.items(), query, ItemWire, (count, total) => {
        if (!counted && total !== undefined) {
          known += total;
          task?.setTotal(known);
          counted = true;
        }
        task?.tick(count);
      });
      for (const wire of wires) {
        const item = toTargetItem(wire, library.id);
        if (!item) continue;
        const seen = byId.get(item.id);
        // Jellyfin lists a music artist under every library (observed on 12.0): it belongs to
        // the library whose kind fits it, not to whichever was listed first.
        if (!seen || (!fits(seen, libraries) && fits(item, libraries))) byId.set(item.id, item);
      }
    }
    task?.finish();
    return { libraries, items: [...byId.values()] };
  }

  readUserData(
    userId: string,
    itemIds: readonly string[],
    progress?: Progress,
  ): Promise<Map<string, TargetUserData>> {
    return userData.readUserData(this.wire, userId, itemIds, progress);
  }

  getUserData(userId: string, itemId: string): Promise<TargetUserData> {
    return userData.getUserData(this.wire, userId, itemId);
  }

  setUserData(
    userId: string,
    itemId: string,
    change: UserDataChange,
    current?: TargetUserData,
  ): Promise<TargetUserData> {
    return userData.setUserData(this.wire, userId, itemId, change, current);
  }

  sendUserData(
    userId: string,
    itemId: string,
    change: UserDataChange,
    current?: TargetUserData,
  ): Promise<UserDataSent> {
    return userData.sendUserData(this.wire, userId, itemId, change, current);
  }

  get userDataReadBack(): boolean {
    return !this.wire.dialect.userDataWriteAnswers;
  }

  listPlaylists(userId: string): Promise<TargetPlaylist[]> {
    return this.playlists.list(userId);
  }

  createPlaylist(userId: string, title: string, itemIds: readonly string[]): Promise<TargetPlaylist> {
    return this.playlists.create(userId, title, itemIds);
  }

  addToPlaylist(userId: string, playlistId: string, itemIds: readonly string[]): Promise<void> {
    return this.playlists.add(userId, playlistId, itemIds);
  }

  removeFromPlaylist(userId: string, playlistId: string, entryIds: readonly string[]): Promise<void> {
    return this.playlists.remove(userId, playlistId, entryIds);
  }

  deletePlaylist(userId: string, playlistId: string): Promise<void> {
    return this.playlists.delete(userId, playlistId);
  }

  async listCollections(): Promise<TargetCollection[]> {
    const items = this.wire.dialect.items();
    const sets = await fetchAll(this.wire, items, listing(this.wire, ["BoxSet"]), BoxSetWire);
    // Members need recursive=true: Jellyfin 12 answers an API key's plain parentId listing of
    // a BoxSet with nothing (observed on 12.0).
    return mapLimit(sets, this.wire.concurrency, async (set) => ({
      id: set.Id,
      title: set.Name ?? "",
      memberIds: (
        await fetchAll(this.wire, items, listing(this.wire, INDEXED_TYPES, { parentId: set.Id }), MemberWire)
      ).map((member) => member.Id),
    }));
  }

  async createCollection(title: string, itemIds: readonly string[]): Promise<TargetCollection> {
    const { http, dialect } = this.wire;
    const route = dialect.collections();
    // Created empty, then filled: Jellyfin fails on an unknown member only after creating the
    // set, and a failure here removes it so no half-made collection is left without an id.
    const query = { ...route.query, ...casedQuery(dialect, { name: title }) };
    const created = await http.post(route.path, { query, schema: CreatedWire });
    try {
      await this.addToCollection(created.Id, itemIds);
    } catch (error) {
      await this.deleteCollection(created.Id).catch(() => undefined);
      throw error;
    }
    return { id: created.Id, title, memberIds: [...new Set(itemIds)] };
  }

  async addToCollection(collectionId: string, itemIds: readonly string[]): Promise<void> {
    checkId(this.wire, collectionId, "collection");
    for (const ids of batches(itemIds)) {
      const route = this.wire.dialect.collectionItems(collectionId, ids);
      await this.wire.http.post(route.path, { query: route.query });
    }
  }

  async removeFromCollection(collectionId: string, itemIds: readonly string[]): Promise<void> {
    checkId(this.wire, collectionId, "collection");
    for (const ids of batches(itemIds)) {
      const route = this.wire.dialect.collectionItems(collectionId, ids);
      await this.wire.http.delete(route.path, { query: route.query });
    }
  }

  async deleteCollection(collectionId: string): Promise<void> {
    checkId(this.wire, collectionId, "collection");
    await this.wire.http.delete(this.wire.dialect.item(collectionId).path);
  }

  /** Closes the connection pool. */
  close(): void {
    this.wire.http.close();
  }

  private async libraries(): Promise<TargetLibrary[]> {
    const { http, dialect } = this.wire;
    const route = dialect.libraries();
    const folders = route.paged
      ? await fetchAll(this.wire, route, {}, VirtualFolderWire)
      : await http.get(route.path, { query: route.query, schema: z.array(VirtualFolderWire) });
    return folders.map(toLibrary);
  }
}

/** Whether an item sits in a library of a kind that holds its kind of media. */
function fits(item: TargetItem, libraries: readonly TargetLibrary[]): boolean {
  const kind = libraries.find((library) => library.id === item.libraryId)?.kind;
  if (kind === undefined || kind === "mixed" || kind === "other") return true;
  const wanted =
    item.kind === "movie"
      ? "movie"
      : item.kind === "artist" || item.kind === "album" || item.kind === "track"
        ? "music"
        : "show";
  return kind === wanted;
}

/** A password must not survive in an error, even if a server echoes the request. */
function scrub(error: unknown, password: string): unknown {
  if (!(error instanceof ServiceError) || password.length === 0 || !error.message.includes(password))
    return error;
  return new ServiceError(error.category, redactCredentials(error.message, [password]), {
    hint: error.hint,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
  });
}
