import Database from "better-sqlite3";
import { extraDataValue } from "../../plex/extra-data.js";
import { COLLECTION_TYPE, ITEM_KINDS, PLAYLIST_TYPE, SECTION_TYPE } from "../../plex/metadata-types.js";
import {
  type Instant,
  type Scenario,
  type ScenarioCollection,
  type ScenarioItem,
  type ScenarioPlaylist,
  type ScenarioSection,
  type SectionKind,
  SMART_MEMBERS_KEY,
} from "../scenario.js";

/**
 * A Plex library database read back into a scenario, straight from its tables: how
 * `plexodus sandbox --kind plex --library FILE` serves a database. It reads plainly what the
 * writer (./write.ts) fills, and deliberately not through src/readers, so the Plex sandbox
 * stays independent of the readers it is there to test. Integer dates are epoch seconds; text
 * dates (legacy databases) are read as UTC wall-clock time. `NOT INDEXED` keeps SQLite off
 * Plex's ICU indexes, which stock SQLite cannot use.
 */
export function readScenarioDatabase(path: string): Scenario {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = new Tables(db);
    const items = readItems(db, tables);
    return {
      name: path,
      accounts: rows(db, "SELECT id, name FROM accounts ORDER BY id").map((row) => ({
        id: Number(row.id),
        name: text(row.name),
      })),
      sections: readSections(db),
      items,
      settings: rows(
        db,
        `SELECT account_id, guid, view_count, view_offset, last_viewed_at, rating,
           ${tables.column("metadata_item_settings", "last_rated_at")}, updated_at
         FROM metadata_item_settings ORDER BY id`,
      ).map((row) => ({
        accountId: whole(row.account_id) ?? 0,
        guid: text(row.guid),
        ...defined("viewCount", whole(row.view_count)),
        ...defined("viewOffsetMs", whole(row.view_offset)),
        ...defined("lastViewedAt", instant(row.last_viewed_at)),
        ...defined("rating", number(row.rating)),
        ...defined("lastRatedAt", instant(row.last_rated_at)),
        ...defined("updatedAt", instant(row.updated_at)),
      })),
      views: rows(db, "SELECT account_id, guid, viewed_at FROM metadata_item_views ORDER BY id").map(
        (row) => ({
          accountId: whole(row.account_id) ?? 0,
          guid: text(row.guid),
          // A play whose date cannot be read still counts; it sorts first.
          viewedAt: instant(row.viewed_at) ?? new Date(0).toISOString(),
        }),
      ),
      playlists: readPlaylists(db, tables),
      collections: readCollections(db, tables),
    };
  } finally {
    db.close();
  }
}

type Row = Record<string, unknown>;

/** Which tables and columns this database has: older ones lack a few. */
class Tables {
  private readonly columns = new Map<string, Set<string>>();

  constructor(private readonly db: Database.Database) {}

  has(table: string, column?: string): boolean {
    let names = this.columns.get(table);
    if (!names) {
      const info = this.db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>;
      names = new Set(info.map((c) => c.name.toLowerCase()));
      this.columns.set(table, names);
    }
    return column === undefined ? names.size > 0 : names.has(column);
  }

  /** `"column"` when the table has it, else `NULL AS "column"`. */
  column(table: string, column: string, alias = ""): string {
    return this.has(table, column) ? `${alias}"${column}"` : `NULL AS "${column}"`;
  }
}

function rows(db: Database.Database, sql: string, ...params: unknown[]): Row[] {
  return db.prepare(sql).all(...params) as Row[];
}

const SECTION_KINDS = new Map(
  Object.entries(SECTION_TYPE).map(([kind, type]) => [type as number, kind as SectionKind]),
);

function readSections(db: Database.Database): ScenarioSection[] {
  const locations = rows(db, "SELECT library_section_id, root_path FROM section_locations ORDER BY id");
  // A section of a type Plex does not list (none is known) is left out with its items.
  return rows(db, "SELECT id, name, section_type, agent, scanner, uuid FROM library_sections ORDER BY id")
    .filter((row) => SECTION_KINDS.has(Number(row.section_type)))
    .map((row) => ({
      id: Number(row.id),
      name: text(row.name),
      kind: SECTION_KINDS.get(Number(row.section_type))!,
      agent: text(row.agent),
      scanner: text(row.scanner),
      locations: locations
        .filter((location) => location.library_section_id === row.id && text(location.root_path) !== "")
        .map((location) => text(location.root_path)),
      uuid: text(row.uuid),
    }));
}

function readItems(db: Database.Database, tables: Tables): ScenarioItem[] {
  const col = (name: string) => tables.column("metadata_items", name);
  const types = Object.keys(ITEM_KINDS).join(", ");
  const items = rows(
    db,
    `SELECT id, library_section_id, parent_id, metadata_type, guid, title, "index", ${col("absolute_index")},
       ${col("year")}, ${col("duration")}, ${col("deleted_at")}
     FROM metadata_items NOT INDEXED WHERE metadata_type IN (${types}) ORDER BY id`,
  );
  const partOrder = tables.has("media_parts", "index") ? `mp."index", ` : "";
  const files = group(
    rows(
      db,
      `SELECT mi.metadata_item_id AS item, mi.id AS media, mp.file AS file FROM media_parts mp
       JOIN media_items mi ON mi.id = mp.media_item_id ORDER BY mi.id, ${partOrder}mp.id`,
    ),
  );
  const tagOrder = tables.has("taggings", "index") ? `tg."index", ` : "";
  const tags = group(
    rows(
      db,
      `SELECT tg.metadata_item_id AS item, t.tag AS tag FROM taggings tg JOIN tags t NOT INDEXED ON t.id = tg.tag_id
       WHERE t.tag_type = 314 ORDER BY ${tagOrder}tg.id`,
    ),
  );
  return items.map((row) => {
    const versions = new Map<unknown, string[]>();
    for (const part of files.get(row.id) ?? []) {
      versions.set(part.media, [...(versions.get(part.media) ?? []), text(part.file)]);
    }
    return {
      id: Number(row.id),
      kind: ITEM_KINDS[Number(row.metadata_type)]!,
      sectionId: whole(row.library_section_id) ?? null,
      guid: text(row.guid),
      title: text(row.title),
      ...defined("year", whole(row.year)),
      ...defined("parentId", whole(row.parent_id)),
      ...defined("index", whole(row.index)),
      ...defined("absoluteIndex", whole(row.absolute_index)),
      ...defined("durationMs", whole(row.duration)),
      ...defined("deletedAt", instant(row.deleted_at)),
      externalIds: (tags.get(row.id) ?? []).map((tag) => text(tag.tag)),
      media: [...versions.values()].map((paths) => ({ parts: paths.map((file) => ({ file })) })),
    };
  });
}

/** Rows by their `item` column, in row order. */
function group(list: Row[]): Map<unknown, Row[]> {
  const out = new Map<unknown, Row[]>();
  for (const row of list) out.set(row.item, [...(out.get(row.item) ?? []), row]);
  return out;
}

function readPlaylists(db: Database.Database, tables: Tables): ScenarioPlaylist[] {
  if (!tables.has("play_queue_generators", "playlist_id")) return [];
  const owners = tables.has("metadata_item_accounts", "account_id")
    ? rows(
        db,
        "SELECT metadata_item_id, account_id FROM metadata_item_accounts WHERE account_id > 0 ORDER BY id",
      )
    : [];
  const order = tables.has("play_queue_generators", "order") ? `"order", ` : "";
  const uri = tables.column("play_queue_generators", "uri");
  const lists = rows(
    db,
    `SELECT id, title, ${tables.column("metadata_items", "extra_data")} FROM metadata_items NOT INDEXED
     WHERE metadata_type = ? ORDER BY id`,
    PLAYLIST_TYPE,
  );
  return lists.flatMap((list) => {
    const extra = nullableText(list.extra_data);
    const owner =
      whole(owners.find((row) => row.metadata_item_id === list.id)?.account_id) ??
      whole(extraDataValue(extra, "pv:owner"));
    if (owner === undefined || owner <= 0) return [];
    const generators = rows(
      db,
      `SELECT metadata_item_id, ${uri} FROM play_queue_generators WHERE playlist_id = ? ORDER BY ${order}id`,
      list.id,
    );
    const smartUri = generators.find((g) => g.metadata_item_id === null && text(g.uri) !== "")?.uri;
    return [
      {
        id: Number(list.id),
        ownerAccountId: owner,
        title: text(list.title),
        entries: generators.flatMap((g) => whole(g.metadata_item_id) ?? []),
        ...defined("smartUri", smartUri === undefined ? undefined : text(smartUri)),
        ...defined("smartMembers", smartMembers(extra)),
      },
    ];
  });
}

function readCollections(db: Database.Database, tables: Tables): ScenarioCollection[] {
  const order = tables.has("taggings", "index") ? `"index", ` : "";
  const lists = rows(
    db,
    `SELECT id, library_section_id, title, "index", ${tables.column("metadata_items", "extra_data")}
     FROM metadata_items NOT INDEXED WHERE metadata_type = ? ORDER BY id`,
    COLLECTION_TYPE,
  );
  const tagType = db.prepare("SELECT tag_type FROM tags NOT INDEXED WHERE id = ?").pluck();
  const members = db
    .prepare(`SELECT metadata_item_id FROM taggings WHERE tag_id = ? ORDER BY ${order}id`)
    .pluck();
  return lists.flatMap((list) => {
    const sectionId = whole(list.library_section_id);
    if (sectionId === undefined) return [];
    // The collection's tag id is in "index" (tag_type 2); anything else has no known members.
    const tag = whole(list.index);
    const tagged = tag !== undefined && whole(tagType.get(tag)) === 2 ? members.all(tag) : [];
    return [
      {
        id: Number(list.id),
        sectionId,
        title: text(list.title),
        memberIds: tagged.flatMap((id) => whole(id) ?? []),
        ...defined("smartMembers", smartMembers(nullableText(list.extra_data))),
      },
    ];
  });
}

function smartMembers(extraData: string | null): number[] | undefined {
  const value = extraDataValue(extraData, SMART_MEMBERS_KEY);
  if (value === undefined) return undefined;
  return value.split(",").flatMap((id) => whole(id.trim()) ?? []);
}

/** `{ [key]: value }` when the value is there, so optional fields stay absent rather than undefined. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function text(value: unknown): string {
  return typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
}

function nullableText(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function whole(value: unknown): number | undefined {
  const n = number(value);
  return n === undefined ? undefined : Math.trunc(n);
}

function number(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Epoch seconds, or legacy `YYYY-MM-DD HH:MM:SS` text read as UTC; undefined when unreadable. */
function instant(value: unknown): Instant | undefined {
  const seconds = number(value);
  if (seconds !== undefined) return new Date(Math.trunc(seconds) * 1000).toISOString();
  if (typeof value !== "string") return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(value.trim());
  const date = match ? new Date(`${match[1]}T${match[2]}Z`) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}
