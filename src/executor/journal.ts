import { existsSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { ConfigError, PlexodusError } from "../errors.js";

/**
 * The journal: a SQLite file (WAL, synchronous FULL) that records, per plan action, the
 * target's value before a write and the write after the target confirmed it. It is what
 * makes resume and rollback possible. It never holds a secret: no API key, no password.
 * See docs/journal.md.
 */
export const JOURNAL_FORMAT_VERSION = 1;

export type ActionStatus = "pending" | "prior-recorded" | "done" | "conflict" | "failed" | "rolled-back";
export type RollbackStatus = "done" | "conflict" | "failed" | "kept";

/** Things an action created on the target, kept so rollback can remove exactly them. */
export interface Created {
  userId?: string;
  playlistId?: string;
  collectionId?: string;
  /** Playlist entry ids the migration added. */
  entryIds?: string[];
  /** Collection members (item ids) the migration added. */
  memberIds?: string[];
  /** The existing playlist or collection that entryIds/memberIds were added to. */
  addedTo?: string;
}

/** A journal write failed (disk full, I/O error): the run must stop before its next target write. */
export class JournalWriteError extends PlexodusError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super("failed", message, options);
    this.name = "JournalWriteError";
  }
}

export interface JournalTarget {
  serverId: string;
  url: string;
  kind: string;
}

export interface JournalRow {
  key: string;
  type: string;
  fingerprint: string;
  userId: string | null;
  userName: string | null;
  itemId: string | null;
  title: string | null;
  status: ActionStatus;
  /** Value read just before the latest write (JSON). */
  prior: unknown;
  /** Value before the migration first wrote; rollback restores this (JSON). */
  original: unknown;
  /** Every field any write of this action set. */
  fields: string[];
  wanted: unknown;
  result: unknown;
  created: Created;
  reason: string | null;
  attempts: number;
  seq: number | null;
  rollbackStatus: RollbackStatus | null;
  rollbackReason: string | null;
}

export interface ActionInfo {
  type: string;
  fingerprint: string;
  userId: string | null;
  userName: string | null;
  itemId: string | null;
  title: string | null;
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

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function parse(text: unknown): unknown {
  return typeof text === "string" ? JSON.parse(text) : null;
}

interface RawRow {
  [column: string]: unknown;
}

export interface OpenOptions {
  toolVersion: string;
  now?: () => Date;
  /** Caps the file's size in pages; tests use it to make the journal "disk full". */
  maxPageCount?: number;
}

export class Journal {
  readonly path: string;
  readonly target: JournalTarget;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly toolVersion: string;
  /**
   * Records that may wait for the next commit: confirmations and settlements. Losing them
   * in a crash is safe (resume re-checks the target and recognises the write), so they ride
   * along with the next prior value, which is always committed before its write. This keeps
   * one fsync per write instead of three.
   */
  private pending: (() => void)[] = [];
  private readonly pendingKeys = new Set<string>();
  /** Rows registered but not yet committed, as they will be written. */
  private readonly fresh = new Map<string, JournalRow>();

  private constructor(path: string, db: Database.Database, target: JournalTarget, options: OpenOptions) {
    this.path = path;
    this.db = db;
    this.target = target;
    this.now = options.now ?? (() => new Date());
    this.toolVersion = options.toolVersion;
  }

  /** Opens (or creates) the journal of this target server; another server's journal is refused. */
  static open(path: string, target: JournalTarget, options: OpenOptions): Journal {
    const isNew = !existsSync(path);
    const db = isNew ? Journal.create(path, target, options) : Journal.openChecked(path);
    const journal = new Journal(path, db, Journal.readTarget(path, db), options);
    if (journal.target.serverId !== target.serverId) {
      db.close();
      throw new ConfigError(
        `the journal ${path} belongs to another target server (${journal.target.serverId} at ${journal.target.url}), not ${target.serverId} at ${journalUrl(target.url)}`,
        { hint: "Use the journal of this server, or a new --journal file." },
      );
    }
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${options.maxPageCount}`);
    return journal;
  }

  /** Opens an existing journal for rollback; its target is read from the file. */
  static openExisting(path: string, options: OpenOptions): Journal {
    if (!existsSync(path)) refuse(path, "the file does not exist");
    const db = Journal.openChecked(path);
    return new Journal(path, db, Journal.readTarget(path, db), options);
  }

  /**
   * A journal that cannot be created (disk full, read-only folder) stops the run before any
   * target write; the half-made file is removed, since it records nothing, so the next run
   * does not refuse it as damaged.
   */
  private static create(path: string, target: JournalTarget, options: OpenOptions): Database.Database {
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      Journal.initialize(db, target, options);
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

  private static initialize(db: Database.Database, target: JournalTarget, options: OpenOptions): void {
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
  private static openChecked(path: string): Database.Database {
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
        refuse(
          path,
          `journal format ${String(version)} is not the supported format ${JOURNAL_FORMAT_VERSION}`,
        );
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

  private static readTarget(path: string, db: Database.Database): JournalTarget {
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

  /**
   * Every journal write goes through here. A failure (disk full, I/O error) becomes a
   * "failed" error that stops the run before the next target write.
   */
  private write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new JournalWriteError(
        `cannot write the journal ${this.path} (${what}): ${String(code ?? error)}`,
        {
          hint: "The run stopped before its next write to the target. Free disk space or fix the file's location, then rerun: it resumes from the journal.",
          cause: error,
        },
      );
    }
  }

  startRun(kind: "apply" | "rollback", plan?: { fingerprint: string; createdAt: string }): number {
    return this.write("start run", () =>
      Number(
        this.db
          .prepare(
            "INSERT INTO runs (kind, started_at, plan_fingerprint, plan_created_at, tool_version) VALUES (?, ?, ?, ?, ?)",
          )
          .run(kind, this.stamp(), plan?.fingerprint ?? null, plan?.createdAt ?? null, this.toolVersion)
          .lastInsertRowid,
      ),
    );
  }

  finishRun(runId: number, outcome: string): void {
    this.flush();
    this.write("finish run", () =>
      this.db
        .prepare("UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?")
        .run(this.stamp(), outcome, runId),
    );
  }

  get(key: string): JournalRow | undefined {
    const fresh = this.fresh.get(key);
    if (fresh !== undefined) return structuredClone(fresh);
    if (this.pendingKeys.has(key)) this.flush();
    return this.read(key);
  }

  private read(key: string): JournalRow | undefined {
    const raw = this.db.prepare("SELECT * FROM actions WHERE key = ?").get(key) as RawRow | undefined;
    return raw === undefined ? undefined : toRow(raw);
  }

  /** Commits every deferred record now. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.write("record confirmations", () => this.db.transaction(() => this.runPending())());
    this.clearPending();
  }

  private runPending(): void {
    for (const op of this.pending) op();
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingKeys.clear();
    this.fresh.clear();
  }

  private defer(key: string, op: () => void): void {
    this.pending.push(op);
    this.pendingKeys.add(key);
    this.fresh.delete(key);
  }

  /**
   * Registers an action before any work on it. The same key planned anew (another
   * fingerprint) starts over, but keeps the original value and created ids for rollback.
   */
  begin(key: string, info: ActionInfo): JournalRow {
    const existing = this.get(key);
    if (existing === undefined) {
      const at = this.stamp();
      this.defer(key, () =>
        this.db
          .prepare(
            `INSERT INTO actions (key, type, fingerprint, user_id, user_name, item_id, title, status, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
          )
          .run(key, info.type, info.fingerprint, info.userId, info.userName, info.itemId, info.title, at),
      );
      const row: JournalRow = {
        key,
        type: info.type,
        fingerprint: info.fingerprint,
        userId: info.userId,
        userName: info.userName,
        itemId: info.itemId,
        title: info.title,
        status: "pending",
        prior: null,
        original: null,
        fields: [],
        wanted: null,
        result: null,
        created: {},
        reason: null,
        attempts: 0,
        seq: null,
        rollbackStatus: null,
        rollbackReason: null,
      };
      this.fresh.set(key, row);
      return structuredClone(row);
    }
    this.flush();
    return this.write("register action", () => {
      if (existing.fingerprint !== info.fingerprint || existing.status === "rolled-back") {
        // The new plan's `before` was read from the live target, so it already reflects
        // whatever an earlier, unconfirmed write did: the action starts over from pending.
        const status = "pending";
        this.db
          .prepare(
            `UPDATE actions SET fingerprint = ?, user_id = COALESCE(?, user_id), user_name = ?, item_id = ?, title = ?,
             status = ?, reason = NULL, updated_at = ? WHERE key = ?`,
          )
          .run(
            info.fingerprint,
            info.userId,
            info.userName,
            info.itemId,
            info.title,
            status,
            this.stamp(),
            key,
          );
      } else if (info.userId !== null && existing.userId === null) {
        this.db.prepare("UPDATE actions SET user_id = ? WHERE key = ?").run(info.userId, key);
      }
      return this.read(key)!;
    });
  }

  /** Before a write: the target's current value, durably, with what is about to be written. */
  recordPrior(key: string, prior: unknown, wanted: unknown, fields: readonly string[] = []): void {
    const at = this.stamp();
    this.write("record prior value", () =>
      this.db.transaction(() => {
        this.runPending();
        const row = this.read(key);
        const allFields = [...new Set([...(row?.fields ?? []), ...fields])];
        this.db
          .prepare(
            `UPDATE actions SET status = 'prior-recorded', prior = ?, original = COALESCE(original, ?), fields = ?,
           wanted = ?, attempts = attempts + 1, prior_at = ?, updated_at = ?,
           seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM actions) WHERE key = ?`,
          )
          .run(json(prior), json(prior), JSON.stringify(allFields), json(wanted), at, at, key);
      })(),
    );
    this.clearPending();
  }

  /** After the target's 2xx (never before): the confirmed result and anything created. */
  confirm(key: string, result: unknown, created: Created = {}): void {
    const at = this.stamp();
    this.defer(key, () => {
      const merged = mergeCreated(this.read(key)?.created ?? {}, created);
      this.db
        .prepare(
          `UPDATE actions SET status = 'done', result = ?, created = ?, reason = NULL, confirmed_at = ?, updated_at = ?,
           rollback_status = NULL, rollback_reason = NULL, rollback_at = NULL,
           seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM actions) WHERE key = ?`,
        )
        .run(json(result), JSON.stringify(merged), at, at, key);
    });
  }

  /** Settles an action without a write of this run: already done, conflict or failed. */
  settle(key: string, status: "done" | "conflict" | "failed", reason: string | null = null): void {
    const at = this.stamp();
    this.defer(key, () =>
      this.db
        .prepare("UPDATE actions SET status = ?, reason = ?, updated_at = ? WHERE key = ?")
        .run(status, reason, at, key),
    );
  }

  /** Rows that rollback must look at, latest event first. */
  rowsForRollback(): JournalRow[] {
    this.flush();
    return (
      this.db.prepare("SELECT * FROM actions WHERE seq IS NOT NULL ORDER BY seq DESC").all() as RawRow[]
    ).map(toRow);
  }

  settleRollback(key: string, status: RollbackStatus, reason: string | null = null): void {
    this.flush();
    this.write("record rollback", () => {
      const actionStatus = status === "done" ? ", status = 'rolled-back'" : "";
      this.db
        .prepare(
          `UPDATE actions SET rollback_status = ?, rollback_reason = ?, rollback_at = ?, updated_at = ?${actionStatus}
           WHERE key = ?`,
        )
        .run(status, reason, this.stamp(), this.stamp(), key);
    });
  }

  /** Commits what is deferred (a failing commit here is safe: resume re-checks) and closes. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.flush();
    } catch {
      // The run already failed on this journal; what was lost is re-checked on resume.
    }
    this.db.close();
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

function mergeCreated(a: Created, b: Created): Created {
  const out: Created = { ...a, ...b };
  if (a.entryIds || b.entryIds) out.entryIds = [...new Set([...(a.entryIds ?? []), ...(b.entryIds ?? [])])];
  if (a.memberIds || b.memberIds)
    out.memberIds = [...new Set([...(a.memberIds ?? []), ...(b.memberIds ?? [])])];
  return out;
}

function toRow(raw: RawRow): JournalRow {
  return {
    key: raw.key as string,
    type: raw.type as string,
    fingerprint: raw.fingerprint as string,
    userId: (raw.user_id as string | null) ?? null,
    userName: (raw.user_name as string | null) ?? null,
    itemId: (raw.item_id as string | null) ?? null,
    title: (raw.title as string | null) ?? null,
    status: raw.status as ActionStatus,
    prior: parse(raw.prior),
    original: parse(raw.original),
    fields: parse(raw.fields) as string[],
    wanted: parse(raw.wanted),
    result: parse(raw.result),
    created: parse(raw.created) as Created,
    reason: (raw.reason as string | null) ?? null,
    attempts: raw.attempts as number,
    seq: (raw.seq as number | null) ?? null,
    rollbackStatus: (raw.rollback_status as RollbackStatus | null) ?? null,
    rollbackReason: (raw.rollback_reason as string | null) ?? null,
  };
}
