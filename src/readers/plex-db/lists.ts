import type Database from "better-sqlite3";
import type { Collection, Item, Playlist } from "../../model/index.js";
import { extraDataValue } from "../../plex/extra-data.js";
import { COLLECTION_TYPE, PLAYLIST_TYPE } from "../../plex/metadata-types.js";
import type { ListRow } from "./items.js";
import { has, type SchemaInfo } from "./schema.js";
import { int, type Notes } from "./values.js";

/**
 * Playlists: type-15 rows, owner in metadata_item_accounts (else `pv:owner` in extra_data),
 * entries in play_queue_generators read `ORDER BY "order", id` with duplicates kept.
 * A generator row with a filter URI and no item is a smart playlist [UNCERTAIN in the
 * reference]: its membership is not in the database, so its entries are null.
 */
export function readPlaylists(
  db: Database.Database,
  schema: SchemaInfo,
  lists: readonly ListRow[],
  items: ReadonlyMap<string, Item>,
  notes: Notes,
): Playlist[] {
  const rows = lists.filter((list) => list.type === PLAYLIST_TYPE);
  if (rows.length === 0) return [];
  if (
    !has(schema, "play_queue_generators", "playlist_id") ||
    !has(schema, "play_queue_generators", "metadata_item_id")
  ) {
    notes.add(
      "playlists-unreadable",
      (n) => `${n} playlist(s) found but this database has no playlist entry table; left out`,
      rows.length,
    );
    return [];
  }
  const owners = new Map<number, number>();
  if (has(schema, "metadata_item_accounts", "account_id")) {
    const ownerRows = db
      .prepare("SELECT metadata_item_id, account_id FROM metadata_item_accounts ORDER BY rowid")
      .raw()
      .all() as Array<[unknown, unknown]>;
    for (const [item, account] of ownerRows) {
      const itemId = int(item);
      const accountId = int(account);
      if (itemId !== null && accountId !== null && accountId > 0 && !owners.has(itemId))
        owners.set(itemId, accountId);
    }
  }
  const order = has(schema, "play_queue_generators", "order") ? `"order", ` : "";
  const uri = has(schema, "play_queue_generators", "uri") ? "uri" : "NULL";
  const entryStatement = db
    .prepare(
      `SELECT metadata_item_id, ${uri} FROM play_queue_generators WHERE playlist_id = ? ORDER BY ${order}id`,
    )
    .raw();
  const playlists: Playlist[] = [];
  for (const row of rows) {
    const owner = owners.get(row.id) ?? ownerFromExtraData(row.extraData);
    if (owner === null) {
      notes.add("playlist-without-owner", (n) => `${n} playlist(s) have no owner account and were left out`);
      continue;
    }
    let smart = false;
    const entries: string[] = [];
    let missing = 0;
    for (const [item, filter] of entryStatement.all(row.id) as Array<[unknown, unknown]>) {
      const itemId = int(item);
      if (itemId === null) {
        if (typeof filter === "string" && filter !== "") smart = true;
        continue;
      }
      if (items.has(String(itemId))) entries.push(String(itemId));
      else missing++;
    }
    if (missing > 0) {
      notes.add(
        "playlist-entry-missing",
        (n) => `${n} playlist entr(y/ies) point at items that are not in any library; left out`,
        missing,
      );
    }
    if (smart) {
      notes.add(
        "smart-playlist",
        (n) =>
          `${n} smart playlist(s): their membership is not stored in the database (read it through the Plex API)`,
      );
    }
    const kinds = new Set(entries.map((key) => items.get(key)!.kind));
    playlists.push({
      key: String(row.id),
      ownerUserId: String(owner),
      title: row.title,
      mediaKind: kinds.size > 0 && [...kinds].every((kind) => kind === "track") ? "audio" : "video",
      isSmart: smart,
      entries: smart ? null : entries,
    });
  }
  return playlists;
}

/** `pv:owner` from JSON (PMS ≥ 1.40) or URL-encoded (older) extra_data. */
export function ownerFromExtraData(extraData: string | null): number | null {
  const value = extraDataValue(extraData, "pv:owner");
  const id = value === undefined ? null : int(value);
  return id !== null && id > 0 ? id : null;
}

/** Collections: type-18 rows whose `"index"` is the id of a tag_type 2 tag; members are its taggings. */
export function readCollections(
  db: Database.Database,
  schema: SchemaInfo,
  lists: readonly ListRow[],
  items: ReadonlyMap<string, Item>,
  notes: Notes,
): Collection[] {
  const rows = lists.filter((list) => list.type === COLLECTION_TYPE);
  if (rows.length === 0) return [];
  const order = has(schema, "taggings", "index") ? `tg."index", ` : "";
  const tagType = db.prepare("SELECT tag_type FROM tags NOT INDEXED WHERE id = ?").pluck();
  const members = db
    .prepare(`SELECT tg.metadata_item_id FROM taggings tg WHERE tg.tag_id = ? ORDER BY ${order}tg.rowid`)
    .pluck();
  const collections: Collection[] = [];
  for (const row of rows) {
    if (row.libraryId === null) {
      notes.add(
        "collection-without-library",
        (n) => `${n} collection(s) belong to no library and were left out`,
      );
      continue;
    }
    const type = row.index === null ? undefined : int(tagType.get(row.index));
    if (type !== 2) {
      // The reference's layout did not hold here: say so rather than guess the members.
      notes.add(
        "collection-unreadable",
        (n) => `${n} collection(s) have no collection tag in "index"; their members are unknown`,
      );
      collections.push({
        key: String(row.id),
        libraryId: String(row.libraryId),
        title: row.title,
        isSmart: false,
        memberKeys: null,
      });
      continue;
    }
    const keys: string[] = [];
    for (const member of members.all(row.index) as unknown[]) {
      const key = String(int(member));
      if (items.has(key) && !keys.includes(key)) keys.push(key);
    }
    if (keys.length === 0) {
      notes.add(
        "collection-empty",
        (n) => `${n} collection(s) have no members in the database (smart collections keep theirs elsewhere)`,
      );
    }
    collections.push({
      key: String(row.id),
      libraryId: String(row.libraryId),
      title: row.title,
      isSmart: false,
      memberKeys: keys,
    });
  }
  return collections;
}
