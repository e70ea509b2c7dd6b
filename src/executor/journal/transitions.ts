import type Database from "better-sqlite3";
import { CommitCycles } from "./cycles.js";
import { KeyFilter } from "./key-filter.js";
import {
  type JournalFile,
  type JournalTarget,
  JournalWriteError,
  type OpenOptions,
  openForTarget,
  openRecorded,
} from "./open.js";
import {
  type ActionInfo,
  type ActionStatus,
  type Created,
  type JournalRow,
  json,
  mergeCreated,
  pendingRow,
  type RawRow,
  type RollbackStatus,
  toRow,
} from "./rows.js";
import { WalSync } from "./wal-sync.js";

/**
 * The journal: a SQLite file (WAL, synchronous FULL; priors just as durable, but synced off
 * the event loop: commitGroup) that records, per plan action, the target's value before a
 * write and the write after the target confirmed it. It is what makes resume and rollback
 * possible. It never holds a secret: no API key, no password.
 * An action moves pending → prior-recorded (committed before its write is sent) → done
 * (after the target's 2xx), or settles as conflict or failed; rollback marks it rolled-back.
 * See docs/journal.md.
 */
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
  /**
   * While a batch of deferred records runs: the `fields` each row has by now. A row inserted
   * in the same batch has none yet, so its prior does not read them back first.
   */
  private readonly batchFields = new Map<string, readonly string[]>();
  /**
   * Rows registered in the pending batch with nothing else deferred for them yet: a prior
   * recorded now is inserted with the row in one statement instead of an INSERT and an UPDATE.
   */
  private readonly unwritten = new Map<string, { folded: boolean }>();
  /**
   * For a journal that was empty when opened: the keys registered since. A key it has never
   * seen has no row, so registering it needs no lookup (one SELECT per action otherwise).
   */
  private readonly registered: KeyFilter | undefined;
  /** Writes waiting for their priors, and the pace of the commits that make them durable. */
  private readonly cycles: CommitCycles;
  /** The WAL's sync off the event loop; undefined when the file is not in WAL mode. */
  private readonly wal: WalSync | undefined;
  /** Prepared once per journal: preparing is most of the cost of a small statement. */
  private readonly statements = new Map<string, Database.Statement>();
  /** The deferred records in one transaction (made once, like the statements). */
  private readonly commitPending: () => void;

  private constructor(path: string, file: JournalFile, options: OpenOptions) {
    this.path = path;
    this.db = file.db;
    this.commitPending = this.db.transaction(() => this.runPending());
    this.target = file.target;
    this.now = options.now ?? (() => new Date());
    this.toolVersion = options.toolVersion;
    const walMode = this.db.pragma("journal_mode", { simple: true }) === "wal";
    const empty = this.db.prepare("SELECT 1 FROM actions LIMIT 1").get() === undefined;
    this.registered = empty ? new KeyFilter() : undefined;
    this.wal = walMode ? new WalSync(`${path}-wal`) : undefined;
    const wal = this.wal;
    this.cycles = new CommitCycles({
      open: () => this.db.open,
      commit: () => this.commitGroup(),
      sync: wal === undefined ? undefined : () => wal.sync(),
      syncError: (error) => this.writeError("sync prior values to disk", error),
    });
  }

  /** Opens (or creates) the journal of this target server; another server's journal is refused. */
  static open(path: string, target: JournalTarget, options: OpenOptions): Journal {
    return new Journal(path, openForTarget(path, target, options), options);
  }

  /** Opens an existing journal for rollback; its target is read from the file. */
  static openExisting(path: string, options: OpenOptions): Journal {
    return new Journal(path, openRecorded(path), options);
  }

  /**
   * Every journal write goes through here. A failure (disk full, I/O error) becomes a
   * "failed" error that stops the run before the next target write.
   */
  private write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.writeError(what, error);
    }
  }

  private writeError(what: string, error: unknown): JournalWriteError {
    const code = (error as { code?: unknown }).code;
    return new JournalWriteError(
      `cannot write the journal ${this.path} (${what}): ${String(code ?? error)}`,
      {
        hint: "The run stopped before its next write to the target. Free disk space or fix the file's location, then rerun: it resumes from the journal.",
        cause: error,
      },
    );
  }

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /** A run's plan fingerprint may be known only when it ends (see finishRun). */
  startRun(kind: "apply" | "rollback", plan?: { fingerprint: string | null; createdAt: string }): number {
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

  finishRun(runId: number, outcome: string, planFingerprint: string | null = null): void {
    this.flush();
    this.write("finish run", () =>
      this.db
        .prepare(
          "UPDATE runs SET finished_at = ?, outcome = ?, plan_fingerprint = COALESCE(plan_fingerprint, ?) WHERE id = ?",
        )
        .run(this.stamp(), outcome, planFingerprint, runId),
    );
  }

  get(key: string): JournalRow | undefined {
    const fresh = this.fresh.get(key);
    if (fresh !== undefined) return copyFresh(fresh);
    if (this.pendingKeys.has(key)) this.flush();
    return this.read(key);
  }

  private read(key: string): JournalRow | undefined {
    const raw = this.statement("SELECT * FROM actions WHERE key = ?").get(key) as RawRow | undefined;
    return raw === undefined ? undefined : toRow(raw);
  }

  /** One column of a row, as stored (JSON text). */
  private column(key: string, name: "fields" | "created"): string | undefined {
    return this.statement(`SELECT ${name} FROM actions WHERE key = ?`).pluck().get(key) as string | undefined;
  }

  /** Commits every deferred record now (synchronous FULL), priors waiting for their commit included. */
  flush(): void {
    const waiting = this.cycles.take();
    if (this.pending.length === 0) {
      this.cycles.release(waiting);
      return;
    }
    try {
      this.write("record prior values and confirmations", () => this.commitPending());
    } catch (error) {
      this.cycles.reject(waiting, error);
      throw error;
    }
    this.clearPending();
    this.cycles.release(waiting);
  }

  private runPending(): void {
    this.batchFields.clear();
    try {
      for (const op of this.pending) op();
    } finally {
      this.batchFields.clear();
    }
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingKeys.clear();
    this.fresh.clear();
    this.unwritten.clear();
  }

  private defer(key: string, op: () => void): void {
    this.pending.push(op);
    this.pendingKeys.add(key);
    this.fresh.delete(key);
    this.unwritten.delete(key);
  }

  /**
   * Registers an action before any work on it. The same key planned anew (another
   * fingerprint) starts over, but keeps the original value and created ids for rollback.
   * An action a rollback undid starts from nothing: the target is back where it was, and the
   * new run's priors are what a later rollback must restore, not the first run's (a value
   * changed between the two runs would otherwise be undone).
   */
  begin(key: string, info: ActionInfo): JournalRow {
    const existing = this.registered?.mightHave(key) === false ? undefined : this.get(key);
    if (existing === undefined) {
      this.registered?.add(key);
      const at = this.stamp();
      const insert = { folded: false };
      this.defer(key, () => {
        if (insert.folded) return;
        this.statement(
          `INSERT INTO actions (key, type, fingerprint, user_id, user_name, item_id, title, status, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
        ).run(key, info.type, info.fingerprint, info.userId, info.userName, info.itemId, info.title, at);
        this.batchFields.set(key, []);
      });
      const row = pendingRow(key, info);
      this.fresh.set(key, row);
      this.unwritten.set(key, insert);
      return copyFresh(row);
    }
    this.flush();
    return this.write("register action", () => {
      if (existing.status === "rolled-back") {
        this.db
          .prepare(
            `UPDATE actions SET fingerprint = ?, user_id = ?, user_name = ?, item_id = ?, title = ?,
             status = 'pending', prior = NULL, original = NULL, fields = '[]', wanted = NULL, result = NULL,
             created = '{}', reason = NULL, attempts = 0, seq = NULL, prior_at = NULL, confirmed_at = NULL,
             rollback_status = NULL, rollback_reason = NULL, rollback_at = NULL, updated_at = ? WHERE key = ?`,
          )
          .run(info.fingerprint, info.userId, info.userName, info.itemId, info.title, this.stamp(), key);
      } else if (existing.fingerprint !== info.fingerprint) {
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

  /**
   * Before a write: the target's current value, durably, with what is about to be written.
   * Resolves once committed and synced to disk (with the other priors of this turn and every
   * deferred record); the write must not be sent before. A failed commit or sync rejects with
   * a JournalWriteError.
   */
  recordPrior(key: string, prior: unknown, wanted: unknown, fields: readonly string[] = []): Promise<void> {
    const at = this.stamp();
    const priorText = json(prior);
    const wantedText = json(wanted);
    const insert = this.unwritten.get(key);
    if (insert !== undefined) this.insertWithPrior(key, insert, priorText, wantedText, fields, at);
    else
      this.defer(key, () => {
        let known = this.batchFields.get(key);
        if (known === undefined) {
          const stored = this.column(key, "fields");
          known = stored === undefined ? [] : (JSON.parse(stored) as string[]);
        }
        const allFields = [...new Set([...known, ...fields])];
        this.batchFields.set(key, allFields);
        this.statement(
          `UPDATE actions SET status = 'prior-recorded', prior = ?, original = COALESCE(original, ?), fields = ?,
           wanted = ?, attempts = attempts + 1, prior_at = ?, updated_at = ?,
           seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM actions) WHERE key = ?`,
        ).run(priorText, priorText, JSON.stringify(allFields), wantedText, at, at, key);
      });
    return this.cycles.wait(key);
  }

  /**
   * The prior of a row registered in this same batch, nothing else deferred for it between:
   * its INSERT is skipped and the row is inserted here, at the prior's place in the batch (so
   * its `seq` is the prior's), as the INSERT and then the prior's UPDATE would have left it.
   * One statement instead of two, and no row grown in place.
   */
  private insertWithPrior(
    key: string,
    insert: { folded: boolean },
    priorText: string | null,
    wantedText: string | null,
    fields: readonly string[],
    at: string,
  ): void {
    const row = this.fresh.get(key)!;
    insert.folded = true;
    this.defer(key, () => {
      const allFields = [...new Set(fields)];
      this.batchFields.set(key, allFields);
      this.statement(
        `INSERT INTO actions (key, type, fingerprint, user_id, user_name, item_id, title, status, prior, original,
         fields, wanted, attempts, prior_at, updated_at, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'prior-recorded', ?, ?, ?, ?, 1, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM actions))`,
      ).run(
        key,
        row.type,
        row.fingerprint,
        row.userId,
        row.userName,
        row.itemId,
        row.title,
        priorText,
        priorText,
        JSON.stringify(allFields),
        wantedText,
        at,
        at,
      );
    });
  }

  /**
   * A cycle's commit of the deferred records (CommitCycles). Without a WAL (never the case on
   * a local disk) it is committed with synchronous FULL; with one, with synchronous NORMAL (its
   * frames written to the WAL, not synced: SQLite stays consistent after a crash, only the
   * newest commits may be lost), and the cycle then syncs the WAL off the event loop before
   * any of its writes is sent.
   */
  private commitGroup(): void {
    if (this.pending.length === 0) return;
    this.write("record prior values and confirmations", () => {
      if (this.wal === undefined) {
        this.commitPending();
        return;
      }
      // Prepared once, like the other statements (db.pragma prepares on every call).
      this.statement("PRAGMA synchronous = NORMAL").run();
      try {
        this.commitPending();
      } finally {
        this.statement("PRAGMA synchronous = FULL").run();
      }
    });
    this.clearPending();
  }

  /** After the target's 2xx (never before): the confirmed result and anything created. */
  confirm(key: string, result: unknown, created: Created = {}): void {
    this.cycles.confirmed(key);
    const at = this.stamp();
    const resultText = json(result);
    const creates = Object.keys(created).length > 0;
    this.defer(key, () => {
      // Nothing created: the row's `created` stays as it is (merging {} changes nothing).
      const merged = creates ? JSON.stringify(mergeCreated(this.storedCreated(key), created)) : null;
      this.statement(
        `UPDATE actions SET status = 'done', result = ?, created = COALESCE(?, created), reason = NULL,
         confirmed_at = ?, updated_at = ?, rollback_status = NULL, rollback_reason = NULL, rollback_at = NULL,
         seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM actions) WHERE key = ?`,
      ).run(resultText, merged, at, at, key);
    });
  }

  /**
   * Something the action created before it is done (a user whose password is still to be
   * set). Deferred like a confirmation: until it is committed, the row's prior-recorded
   * status already says that a creation was sent.
   */
  recordCreated(key: string, created: Created): void {
    const at = this.stamp();
    this.defer(key, () => {
      const merged = mergeCreated(this.storedCreated(key), created);
      this.statement("UPDATE actions SET created = ?, updated_at = ? WHERE key = ?").run(
        JSON.stringify(merged),
        at,
        key,
      );
    });
  }

  /** Settles an action without a write of this run: already done, conflict or failed. */
  settle(key: string, status: "done" | "conflict" | "failed", reason: string | null = null): void {
    this.cycles.forget(key);
    const at = this.stamp();
    this.defer(key, () =>
      this.statement("UPDATE actions SET status = ?, reason = ?, updated_at = ? WHERE key = ?").run(
        status,
        reason,
        at,
        key,
      ),
    );
  }

  private storedCreated(key: string): Created {
    const text = this.column(key, "created");
    return text === undefined ? {} : (JSON.parse(text) as Created);
  }

  /** Status and fingerprint of every action the journal holds, by key: what a resumed run finds. */
  statuses(): Map<string, { status: ActionStatus; fingerprint: string }> {
    this.flush();
    const rows = this.db.prepare("SELECT key, status, fingerprint FROM actions").all() as {
      key: string;
      status: ActionStatus;
      fingerprint: string;
    }[];
    return new Map(rows.map((row) => [row.key, { status: row.status, fingerprint: row.fingerprint }]));
  }

  /** create-user rows whose user exists without its password (see actions/users.ts). */
  usersWithoutPassword(): JournalRow[] {
    this.flush();
    return (
      this.db
        .prepare(
          "SELECT * FROM actions WHERE type = 'create-user' AND status != 'done' AND json_extract(created, '$.passwordPending') = 1 ORDER BY key",
        )
        .all() as RawRow[]
    ).map(toRow);
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
    this.cycles.stop();
    try {
      this.flush();
    } catch {
      // The run already failed on this journal; what was lost is re-checked on resume.
    }
    // Before the connection closes: closing the last one checkpoints and removes the WAL.
    this.wal?.close();
    this.db.close();
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

/**
 * A copy of a row registered in this batch, for a caller that may change it. Such a row is
 * always pendingRow's: no JSON values, so copying its two containers is a full copy
 * (structuredClone made the same, at several times the cost, twice per action).
 */
function copyFresh(row: JournalRow): JournalRow {
  return { ...row, fields: [...row.fields], created: { ...row.created } };
}
