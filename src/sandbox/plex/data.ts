import Database from "better-sqlite3";
import { SMART_MEMBERS_KEY } from "../../../fixtures/plex/scenario.js";
import type { Item, Snapshot } from "../../model/index.js";
import { openPlexDatabase } from "../../readers/plex-db/index.js";
import { extraDataValue } from "../../readers/plex-db/lists.js";
import { int, Notes, num, TimeDecoder } from "../../readers/plex-db/values.js";

/**
 * What the Plex personality serves, loaded once from a fixture database. Items, libraries and
 * list membership come through the database reader; everything the API shows differently from
 * the model (raw Guid tags, media versions, the owner's own settings as Plex keeps them, one
 * history entry per play) is read from the tables directly.
 */
export interface PlexData {
  snapshot: Snapshot;
  accounts: Array<{ id: number; name: string }>;
  sections: Array<{ id: string; agent: string; scanner: string; uuid: string }>;
  /** tag_type 314 tags per item id, in taggings order. */
  guidTags: Map<string, string[]>;
  /** Files per version per item id. */
  media: Map<string, string[][]>;
  /** The owner's settings per guid, as one row (Plex keeps one per account and guid). */
  ownerState: Map<string, OwnerRow>;
  /** One entry per play, oldest first: guid, account, epoch seconds. */
  history: Array<{ id: number; guid: string; accountId: number; viewedAt: number }>;
  /** ratingKey per guid: the first item carrying it. */
  keyOfGuid: Map<string, string>;
  /** Smart lists: list id → filter URI (playlists) and current member ids. */
  smart: Map<string, { uri: string | null; members: string[] }>;
}

export interface OwnerRow {
  viewCount: number;
  viewOffsetMs: number;
  lastViewedAt: number | null;
  rating: number | null;
  lastRatedAt: number | null;
}

export async function loadPlexData(databasePath: string, timeZone = "UTC"): Promise<PlexData> {
  const reader = openPlexDatabase(databasePath, { timeZone });
  const snapshot = await reader.read();
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const times = new TimeDecoder(timeZone, new Notes());
    const seconds = (value: unknown) => {
      const ms = times.ms(value);
      return ms === null ? null : Math.floor(ms / 1000);
    };
    const keyOfGuid = new Map<string, string>();
    for (const item of [...snapshot.items].sort(byKey)) {
      if (!keyOfGuid.has(item.identity)) keyOfGuid.set(item.identity, item.key);
    }
    return {
      snapshot,
      accounts: (
        db.prepare("SELECT id, name FROM accounts ORDER BY id").all() as Array<{
          id: number;
          name: string | null;
        }>
      ).map((row) => ({ id: row.id, name: row.name ?? "" })),
      sections: (
        db.prepare("SELECT id, agent, scanner, uuid FROM library_sections ORDER BY id").all() as Array<
          Record<string, unknown>
        >
      ).map((row) => ({
        id: String(row.id),
        agent: String(row.agent ?? ""),
        scanner: String(row.scanner ?? ""),
        uuid: String(row.uuid ?? ""),
      })),
      guidTags: groupBy(
        db
          .prepare(
            `SELECT tg.metadata_item_id AS item, t.tag AS tag FROM taggings tg JOIN tags t NOT INDEXED ON t.id = tg.tag_id
             WHERE t.tag_type = 314 ORDER BY tg.metadata_item_id, tg."index", tg.id`,
          )
          .all() as Array<{ item: number; tag: string }>,
        (row) => String(row.item),
        (row) => row.tag,
      ),
      media: readMedia(db),
      ownerState: readOwnerState(db, seconds),
      history: (
        db
          .prepare("SELECT id, guid, account_id, viewed_at FROM metadata_item_views ORDER BY id")
          .all() as Array<Record<string, unknown>>
      )
        .map((row) => ({
          id: row.id as number,
          guid: String(row.guid ?? ""),
          accountId: int(row.account_id) ?? 0,
          viewedAt: seconds(row.viewed_at) ?? 0,
        }))
        .sort((a, b) => a.viewedAt - b.viewedAt || a.id - b.id),
      keyOfGuid,
      smart: readSmart(db, snapshot),
    };
  } finally {
    db.close();
  }
}

function byKey(a: Item, b: Item): number {
  return Number(a.key) - Number(b.key);
}

function groupBy<R, V>(rows: readonly R[], key: (row: R) => string, value: (row: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const row of rows) {
    const list = out.get(key(row)) ?? [];
    list.push(value(row));
    out.set(key(row), list);
  }
  return out;
}

function readMedia(db: Database.Database): Map<string, string[][]> {
  const rows = db
    .prepare(
      `SELECT mi.metadata_item_id AS item, mi.id AS media, mp.file AS file FROM media_parts mp
       JOIN media_items mi ON mi.id = mp.media_item_id ORDER BY mi.metadata_item_id, mi.id, mp."index", mp.id`,
    )
    .all() as Array<{ item: number; media: number; file: string }>;
  const out = new Map<string, Map<number, string[]>>();
  for (const row of rows) {
    const versions = out.get(String(row.item)) ?? new Map<number, string[]>();
    versions.set(row.media, [...(versions.get(row.media) ?? []), row.file]);
    out.set(String(row.item), versions);
  }
  return new Map([...out].map(([item, versions]) => [item, [...versions.values()]]));
}

/** Duplicate rows combined the way Plex would show them: SEMANTICS §3's rules. */
function readOwnerState(
  db: Database.Database,
  seconds: (value: unknown) => number | null,
): Map<string, OwnerRow> {
  const rows = db
    .prepare(
      `SELECT guid, view_count, view_offset, last_viewed_at, rating, last_rated_at FROM metadata_item_settings
       WHERE account_id = 1 ORDER BY id`,
    )
    .all() as Array<Record<string, unknown>>;
  const out = new Map<string, OwnerRow>();
  for (const row of rows) {
    const next: OwnerRow = {
      viewCount: int(row.view_count) ?? 0,
      viewOffsetMs: num(row.view_offset) ?? 0,
      lastViewedAt: seconds(row.last_viewed_at),
      rating: num(row.rating),
      lastRatedAt: seconds(row.last_rated_at),
    };
    const seen = out.get(String(row.guid));
    if (!seen) {
      out.set(String(row.guid), next);
      continue;
    }
    const viewedLater = (next.lastViewedAt ?? -Infinity) >= (seen.lastViewedAt ?? -Infinity);
    const ratedLater =
      next.rating !== null && (seen.rating === null || (next.lastRatedAt ?? -1) >= (seen.lastRatedAt ?? -1));
    out.set(String(row.guid), {
      viewCount: Math.max(seen.viewCount, next.viewCount),
      viewOffsetMs: viewedLater ? next.viewOffsetMs : seen.viewOffsetMs,
      lastViewedAt: viewedLater ? next.lastViewedAt : seen.lastViewedAt,
      rating: ratedLater ? next.rating : seen.rating,
      lastRatedAt: ratedLater ? next.lastRatedAt : seen.lastRatedAt,
    });
  }
  return out;
}

/**
 * Smart lists: a playlist whose generator row holds a filter URI and no item, and any list
 * whose extra_data carries the fixture's smart membership. Members are served in that order.
 */
function readSmart(db: Database.Database, snapshot: Snapshot): PlexData["smart"] {
  const lists = db
    .prepare("SELECT id, extra_data FROM metadata_items NOT INDEXED WHERE metadata_type IN (15, 18)")
    .all() as Array<{ id: number; extra_data: string | null }>;
  const uri = db
    .prepare(
      "SELECT uri FROM play_queue_generators WHERE playlist_id = ? AND metadata_item_id IS NULL AND uri <> '' ORDER BY id",
    )
    .pluck();
  const items = new Set(snapshot.items.map((item) => item.key));
  const out: PlexData["smart"] = new Map();
  for (const list of lists) {
    const filter = (uri.get(list.id) as string | undefined) ?? null;
    const members = extraDataValue(list.extra_data, SMART_MEMBERS_KEY);
    if (filter === null && members === undefined) continue;
    out.set(String(list.id), {
      uri: filter,
      members: (members ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter((id) => items.has(id)),
    });
  }
  return out;
}
