import { existsSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { ConfigError, PlexodusError } from "../../errors.js";

/** The journal file: its schema, and how it is created, checked and opened. */
export const JOURNAL_FORMAT_VERSION = 1;

export interface JournalTarget {
  serverId: string;
  url: string;
  kind: string;
}

export interface OpenOptions {
  toolVersion: string;
  now?: () => Date;
  /** Caps the file's size in pages; tests use it to make the journal "disk full". */
  maxPageCount?: number;
}

/** A journal write failed (disk full, I/O error): the run must stop before its next target write. */
export class JournalWriteError extends PlexodusError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super("failed", message, options);
    this.name = "JournalWriteError";
  }
}

/**
 * Every confirmation takes the next `seq` from MAX(seq); without this index that is a full
 * scan per write, and a 100,000-item migration slows down quadratically.
 */
const SEQ_INDEX = "CREATE INDEX IF NOT EXISTS actions_seq ON actions (seq);";

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, started_at TEXT NOT NULL,
  finished_at TEXT, plan_fingerprint TEXT, plan_created_at TEXT, tool_version TEXT NOT NULL,
  outcome TEXT
);
CREATE TABLE actions (
  key TEXT PRIMARY KEY, type TEXT NOT NULL, fingerprint TEXT NOT NULL,
  user_id TEXT, user_name TEXT, item_id TEXT, title TEXT,
  status TEXT NOT NULL, prior TEXT, original TEXT, fields TEXT NOT NULL DEFAULT '[]',
  wanted TEXT, result TEXT, created TEXT NOT NULL DEFAULT '{}', reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0, seq INTEGER,
  prior_at TEXT, confirmed_at TEXT, updated_at TEXT NOT NULL,
  rollback_status TEXT, rollback_reason TEXT, rollback_at TEXT
);
${SEQ_INDEX}
`;

const REQUIRED_COLUMNS: Record<string, string[]> = {
  meta: ["key", "value"],
  runs: ["id", "kind", "started_at", "plan_fingerprint", "outcome"],
  actions: [
    "key",
    "type",
    "fingerprint",
    "status",
    "prior",
    "original",
    "wanted",
    "result",
    "created",
    "seq",
  ],
};

/** The target's URL as the journal keeps it: no user info, no query (keys travel there). */
export function journalUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.toString();
  } catch {
    return "(unparseable url)";
  }
}

function refuse(path: string, why: string, cause?: unknown): never {
  throw new ConfigError(`the journal ${path} cannot be used: ${why}`, {
    hint: "Nothing was written to the target. Point --journal at the right file, or move this one away to start a new journal (every action re-checks the target, so nothing is applied twice).",
    cause,
  });
}

/** An open journal file and the target server it records. */
export interface JournalFile {
  db: Database.Database;
  target: JournalTarget;
}

/** Opens (or creates) the journal of this target server; another server's journal is refused. */
export function openForTarget(path: string, target: JournalTarget, options: OpenOptions): JournalFile {
  const isNew = !existsSync(path);
  const db = isNew ? create(path, target, options) : openChecked(path);
  const recorded = readTarget(path, db);
  if (recorded.serverId !== target.serverId) {
    db.close();
    throw new ConfigError(
      `the journal ${path} belongs to another target server (${recorded.serverId} at ${recorded.url}), not ${target.serverId} at ${journalUrl(target.url)}`,
      { hint: "Use the journal of this server, or a new --journal file." },
    );
  }
  if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${options.maxPageCount}`);
  // A checkpoint copies the WAL into the file and syncs both, on the event loop (5–15 ms
  // here, with no answer read meanwhile): every 10,000 pages instead of SQLite's 1,000 halves
  // them in a run of a few thousand writes and lets pages updated again be copied once. The
  // WAL grows to about 40 MB at most; closing the journal checkpoints and removes it.
  db.pragma("wal_autocheckpoint = 10000");
  return { db, target: recorded };
}

/** Opens an existing journal for rollback; its target is read from the file. */
export function openRecorded(path: string): JournalFile {
  if (!existsSync(path)) refuse(path, "the file does not exist");
  const db = openChecked(path);
  return { db, target: readTarget(path, db) };
}

/**
 * A journal that cannot be created (disk full, read-only folder) stops the run before any
 * target write; the half-made file is removed, since it records nothing, so the next run
 * does not refuse it as damaged.
 */
function create(path: string, target: JournalTarget, options: OpenOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    initialize(db, target, options);
    return db;
  } catch (error) {
    db?.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
    const code = (error as { code?: unknown }).code;
    const why = code ?? (error instanceof Error ? error.message : String(error));
    throw new JournalWriteError(`cannot create the journal ${path}: ${String(why)}`, {
      hint: "Nothing was written to the target. Free disk space or choose a writable --journal location, then rerun.",
      cause: error,
    });
  }
}

function initialize(db: Database.Database, target: JournalTarget, options: OpenOptions): void {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  const at = (options.now ?? (() => new Date()))().toISOString();
  db.transaction(() => {
    db.exec(SCHEMA);
    const insert = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    insert.run("format_version", String(JOURNAL_FORMAT_VERSION));
    insert.run("target_server_id", target.serverId);
    insert.run("target_url", journalUrl(target.url));
    insert.run("target_kind", target.kind);
    insert.run("created_at", at);
    insert.run("tool_version", options.toolVersion);
  })();
}

/** A file that is not SQLite, is damaged, or lacks our tables is refused, never repaired. */
function openChecked(path: string): Database.Database {
  if (statSync(path).size === 0) refuse(path, "the file is empty (truncated?)");
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") refuse(path, `the file is damaged (${String(check)})`);
    for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
      const present = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
      const missing = columns.filter((column) => !present.has(column));
      if (missing.length > 0)
        refuse(path, `it is not a plexodus journal (table ${table} is missing or incomplete)`);
    }
    const version = db.prepare("SELECT value FROM meta WHERE key = 'format_version'").pluck().get();
    if (version !== String(JOURNAL_FORMAT_VERSION)) {
      refuse(path, `journal format ${String(version)} is not the supported format ${JOURNAL_FORMAT_VERSION}`);
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(SEQ_INDEX);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof PlexodusError) throw error;
    return refuse(
      path,
      "it is not a readable SQLite journal (damaged, truncated or another kind of file)",
      error,
    );
  }
}

function readTarget(path: string, db: Database.Database): JournalTarget {
  const meta = new Map(
    (db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [
      r.key,
      r.value,
    ]),
  );
  const serverId = meta.get("target_server_id");
  if (!serverId) {
    db.close();
    refuse(path, "its target server is not recorded");
  }
  return { serverId, url: meta.get("target_url") ?? "", kind: meta.get("target_kind") ?? "" };
}
