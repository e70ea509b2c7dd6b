import { z } from "zod";
import { ServiceError } from "../../http/errors.js";
import type { TargetPlaylist, TargetServerInfo } from "../../model/index.js";
import { batches, checkId, fetchAll, listing, mapLimit, unsupported, type Wire } from "./context.js";
import { casedQuery } from "./dialect.js";
import { CreatedWire, ItemWire } from "./schema.js";

const PlaylistWire = z.object({ Id: z.string().min(1), Name: z.string().nullish() });

/**
 * Playlists on both servers are owned by one user, but no route answerable with an API key
 * names the owner. Ownership is therefore told by visibility: a playlist the user sees and no
 * other user sees is theirs. Public or shared playlists read as not owned, so plexodus never
 * touches them (it may create a private one beside them instead, which harms nobody).
 */
export class Playlists {
  constructor(
    private readonly wire: Wire,
    private readonly info: () => TargetServerInfo,
    private readonly userIds: () => Promise<string[]>,
  ) {}

  async list(userId: string): Promise<TargetPlaylist[]> {
    this.requireSupport();
    checkId(this.wire, userId, "user");
    const owned = await this.owned(userId);
    return mapLimit(owned, this.wire.concurrency, async (playlist) => ({
      id: playlist.Id,
      title: playlist.Name ?? "",
      ownerUserId: userId,
      entries: await this.entries(playlist.Id, userId),
    }));
  }

  async create(userId: string, title: string, itemIds: readonly string[]): Promise<TargetPlaylist> {
    this.requireSupport();
    checkId(this.wire, userId, "user");
    const wanted = [...new Set(itemIds)];
    const [first = [], ...rest] = batches(wanted);
    const route = this.wire.dialect.createPlaylist(userId, title, first);
    const created = await this.wire.http.post(route.path, {
      query: route.query,
      body: route.body,
      schema: CreatedWire,
    });
    try {
      for (const ids of rest) await this.append(created.Id, userId, ids);
      const owned = await this.owned(userId);
      if (!owned.some((playlist) => playlist.Id === created.Id)) {
        throw new ServiceError(
          "failed",
          `the playlist "${title}" was not created private to user ${userId}`,
          {
            hint: "The server did not give the playlist to the user it was created for; report this with the server version.",
          },
        );
      }
      const entries = await this.entries(created.Id, userId);
      const got = entries.map((entry) => entry.itemId);
      if (got.join(",") !== wanted.join(",")) {
        throw new ServiceError(
          "failed",
          `the playlist "${title}" holds ${got.length} of ${wanted.length} entries or a different order after creation`,
          {
            hint: "The server dropped or reordered items (media type mismatch?); the playlist was removed again.",
          },
        );
      }
      return { id: created.Id, title, ownerUserId: userId, entries };
    } catch (error) {
      // Never leave a half-made playlist behind: the caller does not know its id.
      await this.wire.http.delete(this.wire.dialect.item(created.Id).path).catch(() => undefined);
      throw error;
    }
  }

  async add(userId: string, playlistId: string, itemIds: readonly string[]): Promise<void> {
    checkId(this.wire, userId, "user");
    checkId(this.wire, playlistId, "playlist");
    for (const ids of batches(itemIds)) await this.append(playlistId, userId, ids);
    const present = new Set((await this.entries(playlistId, userId)).map((entry) => entry.itemId));
    const missing = itemIds.filter((id) => !present.has(id));
    if (missing.length > 0) {
      throw new ServiceError(
        "failed",
        `the server did not add ${missing.length} item(s) to playlist ${playlistId}`,
        { hint: this.wire.dialect.hints.playlistItemsDropped },
      );
    }
  }

  async remove(userId: string, playlistId: string, entryIds: readonly string[]): Promise<void> {
    checkId(this.wire, playlistId, "playlist");
    const { dialect, http } = this.wire;
    if (!dialect.abilities.playlistEntryRemoval) {
      throw unsupported(
        this.info(),
        "removing playlist entries with an API key",
        dialect.hints.noPlaylistEntryRemoval,
      );
    }
    void userId;
    for (const ids of batches(entryIds)) {
      const route = dialect.removePlaylistEntries(playlistId, ids);
      await http.delete(route.path, { query: route.query });
    }
  }

  async delete(userId: string, playlistId: string): Promise<void> {
    checkId(this.wire, playlistId, "playlist");
    const visible = await this.visibleTo(userId);
    if (!visible.some((playlist) => playlist.Id === playlistId)) {
      throw new ServiceError("failed", `playlist ${playlistId} is not one of user ${userId}'s playlists`);
    }
    await this.wire.http.delete(this.wire.dialect.item(playlistId).path);
  }

  private requireSupport(): void {
    if (!this.wire.dialect.abilities.privatePlaylists) {
      throw unsupported(this.info(), "private playlists", this.wire.dialect.hints.noPrivatePlaylists);
    }
  }

  private async append(playlistId: string, userId: string, ids: readonly string[]): Promise<void> {
    const route = this.wire.dialect.playlistItems(playlistId, userId);
    await this.wire.http.post(route.path, {
      query: { ...route.query, ...casedQuery(this.wire.dialect, { ids }) },
    });
  }

  private async entries(playlistId: string, userId: string): Promise<TargetPlaylist["entries"]> {
    const items = await fetchAll(
      this.wire,
      this.wire.dialect.playlistItems(playlistId, userId),
      {},
      ItemWire,
    );
    return items.map((item) => {
      if (!item.PlaylistItemId) {
        throw new ServiceError(
          "failed",
          `GET /Playlists/${playlistId}/Items gave an entry without PlaylistItemId`,
        );
      }
      return { itemId: item.Id, entryId: item.PlaylistItemId };
    });
  }

  private visibleTo(userId: string): Promise<z.infer<typeof PlaylistWire>[]> {
    return fetchAll(
      this.wire,
      this.wire.dialect.items(userId),
      listing(this.wire, ["Playlist"]),
      PlaylistWire,
    );
  }

  private async owned(userId: string): Promise<z.infer<typeof PlaylistWire>[]> {
    const others = (await this.userIds()).filter((id) => id !== userId);
    const seenByOthers = new Set<string>();
    await mapLimit(others, this.wire.concurrency, async (other) => {
      for (const playlist of await this.visibleTo(other)) seenByOthers.add(playlist.Id);
    });
    return (await this.visibleTo(userId)).filter((playlist) => !seenByOthers.has(playlist.Id));
  }
}
