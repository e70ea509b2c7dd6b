import type PQueue from "p-queue";
import type { Collection, Item, Library, Playlist } from "../../model/index.js";
import type { Notes } from "../plex-db/values.js";
import type { PlexClient } from "./client.js";
import { ListsSchema, MembersSchema, type WireList } from "./schema.js";

/**
 * Playlists and collections as the API shows them, smart ones with their current membership.
 * Members are kept only when they are items of the snapshot; the rest are counted.
 */

export interface ApiList {
  key: string;
  title: string;
  isSmart: boolean;
  /** Member ratingKeys in the server's order, duplicates kept. */
  members: string[];
  /** Playlists: Plex's playlistType (`video`, `audio`, `photo`). */
  playlistType?: string | undefined;
  /** Collections: the section the collection belongs to. */
  libraryId?: string;
}

async function members(client: PlexClient, path: string): Promise<string[]> {
  const { entries } = await client.all(path, MembersSchema, (c) => c.Metadata);
  return entries.map((entry) => entry.ratingKey);
}

/** The token user's playlists (only the owner's, with an owner token) and their entries. */
export async function readApiPlaylists(client: PlexClient, queue: PQueue): Promise<ApiList[]> {
  const { entries } = await client.all("/playlists", ListsSchema, (c) => c.Metadata);
  return Promise.all(
    entries.map((list: WireList) =>
      queue.add(async () => ({
        key: list.ratingKey,
        title: list.title,
        isSmart: list.smart,
        playlistType: list.playlistType,
        members: await members(client, `/playlists/${encodeURIComponent(list.ratingKey)}/items`),
      })),
    ),
  ) as Promise<ApiList[]>;
}

/** Every collection of the given sections, smart ones included, with their children. */
export async function readApiCollections(
  client: PlexClient,
  queue: PQueue,
  libraries: readonly Library[],
): Promise<ApiList[]> {
  const perSection = await Promise.all(
    libraries.map((library) =>
      queue.add(async () => {
        const path = `/library/sections/${encodeURIComponent(library.id)}/collections`;
        const { entries } = await client.all(path, ListsSchema, (c) => c.Metadata);
        return entries.map((list) => ({ list, libraryId: library.id }));
      }),
    ),
  );
  return Promise.all(
    perSection.flat().map(({ list, libraryId }) =>
      queue.add(async () => ({
        key: list.ratingKey,
        title: list.title,
        isSmart: list.smart,
        libraryId,
        members: await members(client, `/library/collections/${encodeURIComponent(list.ratingKey)}/children`),
      })),
    ),
  ) as Promise<ApiList[]>;
}

/** Member keys that are items of the snapshot; the others are counted under `code`. */
export function knownMembers(
  list: ApiList,
  items: ReadonlyMap<string, Item>,
  notes: Notes,
  dedupe: boolean,
): string[] {
  const out: string[] = [];
  let missing = 0;
  for (const key of list.members) {
    if (!items.has(key)) missing++;
    else if (!dedupe || !out.includes(key)) out.push(key);
  }
  if (missing > 0) {
    notes.add(
      "list-member-missing",
      (n) =>
        `${n} playlist entr(y/ies) or collection member(s) point at items that are not in any library; left out`,
      missing,
    );
  }
  return out;
}

export function toPlaylist(
  list: ApiList,
  ownerId: string,
  items: ReadonlyMap<string, Item>,
  notes: Notes,
): Playlist {
  const entries = knownMembers(list, items, notes, false);
  const kinds = new Set(entries.map((key) => items.get(key)!.kind));
  const audio =
    list.playlistType === "audio" || (kinds.size > 0 && [...kinds].every((kind) => kind === "track"));
  return {
    key: list.key,
    ownerUserId: ownerId,
    title: list.title,
    mediaKind: list.playlistType === "photo" ? "photo" : audio ? "audio" : "video",
    isSmart: list.isSmart,
    entries,
  };
}

export function toCollection(list: ApiList, items: ReadonlyMap<string, Item>, notes: Notes): Collection {
  return {
    key: list.key,
    libraryId: list.libraryId ?? "",
    title: list.title,
    isSmart: list.isSmart,
    memberKeys: knownMembers(list, items, notes, true),
  };
}
