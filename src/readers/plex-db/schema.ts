import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { SourceError } from "../../errors.js";

/**
 * Which Plex schema a database has, judged by evidence (tables and columns present), never
 * by trusting a version number alone.
 *
 * Oldest supported shape: the multi-user schema with per-account state keyed by guid
 * (`metadata_item_settings.account_id`/`guid`, `metadata_item_views.account_id`/`guid`) and
 * collections whose tag id is in `"index"` (migration 20180324032400, Plex Media Server 2018).
 */
export const OLDEST_SUPPORTED_MIGRATION = "20180324032400";

/** Columns the reader cannot do without. */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  metadata_items: ["id", "library_section_id", "parent_id", "metadata_type", "guid", "title", "index"],
  metadata_item_settings: ["account_id", "guid", "view_count", "view_offset", "last_viewed_at", "rating"],
  metadata_item_views: ["account_id", "guid", "viewed_at"],
  accounts: ["id", "name"],
  library_sections: ["id", "name", "section_type"],
  section_locations: ["library_section_id", "root_path"],
  media_items: ["id", "metadata_item_id"],
  media_parts: ["media_item_id", "file"],
  tags: ["id", "tag", "tag_type"],
  taggings: ["metadata_item_id", "tag_id"],
};

/** Tables read when present (playlists). */
const OPTIONAL_TABLES = ["play_queue_generators", "metadata_item_accounts"] as const;

export interface SchemaInfo {
  /** Columns of every relevant table that exists. */
  columns: ReadonlyMap<string, ReadonlySet<string>>;
  /** Last applied migration, when `schema_migrations` exists. */
  version: string | null;
  fingerprint: string;
}

export function has(schema: SchemaInfo, table: string, column?: string): boolean {
  const columns = schema.columns.get(table);
  return columns !== undefined && (column === undefined || columns.has(column));
}

/** `"col"` when the column exists, else `NULL AS "col"`: select only what is there. */
export function columnOrNull(schema: SchemaInfo, table: string, column: string, alias = ""): string {
  const prefix = alias ? `${alias}.` : "";
  return has(schema, table, column) ? `${prefix}"${column}"` : `NULL AS "${column}"`;
}

export function detectSchema(db: Database.Database, path: string): SchemaInfo {
  const tables = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).map((n) =>
      n.toLowerCase(),
    ),
  );
  const version = tables.has("schema_migrations") ? lastMigration(db) : null;
  const hint =
    "plexodus reads Plex Media Server databases from 2018 on (com.plexapp.plugins.library.db). " +
    "Check that --plex-db points at that file.";
  if (!tables.has("metadata_items") || !tables.has("metadata_item_settings")) {
    throw new SourceError(
      `${path} is an SQLite database but not a Plex library database (no metadata_items or metadata_item_settings table)`,
      { hint },
    );
  }
  if (version !== null && compareMigrations(version, OLDEST_SUPPORTED_MIGRATION) < 0) {
    throw new SourceError(
      `${path} is older than plexodus supports: its last schema migration is ${version}, the oldest supported is ${OLDEST_SUPPORTED_MIGRATION}`,
      {
        hint: "Start Plex Media Server once with a current version to upgrade the database, then read it again.",
      },
    );
  }
  const columns = new Map<string, Set<string>>();
  const typed: string[] = [];
  for (const table of [...Object.keys(REQUIRED), ...OPTIONAL_TABLES]) {
    if (!tables.has(table)) continue;
    const info = db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string; type: string }>;
    columns.set(table, new Set(info.map((c) => c.name.toLowerCase())));
    typed.push(`${table}(${info.map((c) => `${c.name.toLowerCase()} ${c.type.toLowerCase()}`).join(",")})`);
  }
  const missing: string[] = [];
  for (const [table, needed] of Object.entries(REQUIRED)) {
    const present = columns.get(table);
    if (!present) missing.push(table);
    else for (const column of needed) if (!present.has(column)) missing.push(`${table}.${column}`);
  }
  if (missing.length > 0) {
    throw new SourceError(
      `${path} does not have the Plex schema plexodus reads: missing ${missing.join(", ")}` +
        (version ? ` (last schema migration ${version})` : ""),
      {
        hint:
          "A database older than 2018 needs upgrading by a current Plex Media Server first; a newer shape " +
          "than this plexodus knows needs a newer plexodus.",
      },
    );
  }
  const fingerprint = `plexdb-${createHash("sha256")
    .update(typed.sort().join("\n"))
    .update(`\nversion=${version ?? "none"}`)
    .digest("hex")
    .slice(0, 16)}`;
  return { columns, version, fingerprint };
}

/**
 * The newest applied migration. Versions mix 12- and 14-digit dates with suffixes
 * (`202504161541.011`) and Plex's `500000000001.*` ICU series, which is not a date and only
 * counts when nothing else is there.
 */
function lastMigration(db: Database.Database): string | null {
  const versions = db
    .prepare("SELECT CAST(version AS TEXT) FROM schema_migrations")
    .pluck()
    .all() as string[];
  let best: string | null = null;
  for (const version of versions) {
    if (best === null || compareMigrations(version, best) > 0) best = version;
  }
  return best;
}

/** Orders migration versions by their date; non-date versions sort before every date. */
export function compareMigrations(a: string, b: string): number {
  const ka = migrationKey(a);
  const kb = migrationKey(b);
  return ka[0] - kb[0] || ka[1] - kb[1];
}

function migrationKey(version: string): [number, number] {
  const [whole = "", fraction = ""] = version.trim().split(".");
  let date = -1;
  if (/^(19|20)\d{12}$/.test(whole)) date = Number(whole);
  else if (/^(19|20)\d{10}$/.test(whole)) date = Number(whole) * 100;
  return [date, fraction === "" ? 0 : Number(`0.${fraction}`)];
}
