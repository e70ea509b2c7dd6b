import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { SourceError } from "../../errors.js";

/**
 * Safe access to a Plex database that Plex may be writing right now (reference §1).
 *
 * The original files are never written, not even SQLite's shared-memory read marks in the
 * -shm or the empty -wal/-shm a reader creates beside a closed WAL database. So the db, -wal
 * and -shm files are first copied together into a temporary folder, and the copy only counts
 * when none of them changed while it was taken (size, mtime and the WAL header compared before
 * and after): such a set is one consistent state, and SQLite reads the -wal's committed rows
 * from it. If Plex writes so busily that no quiet copy succeeds, the original is opened
 * read-only and copied page by page in one step with `backup()` (one read transaction, so one
 * consistent snapshot including the -wal); only then may SQLite touch the -shm read marks, as
 * any reader does. Every temporary file is removed on close, also after errors.
 *
 * A database nothing has open (no -wal, -shm or -journal beside it: Plex stopped, or a copy) is
 * read where it lies instead, as an immutable file: SQLite then takes no lock and creates no
 * file, and no copy is made (copying 1.2 GB cost more than a third of reading it). Nothing
 * guarantees it stays still, so the reader asks `changed()` after reading and, if anything was
 * written meanwhile, reads again from a copy (reader.ts).
 */
export interface OpenedSnapshot {
  db: Database.Database;
  /** What `db` reads (the private copy, or the original's URI); more read-only connections (a worker's) may open it too. */
  path: string;
  /** Whether the original was written since it was opened in place (never, for a copy). */
  changed(): boolean;
  /** Closes the snapshot and removes every temporary file. Safe to call twice. */
  close(): void;
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

/**
 * Page cache of snapshot connections, in SQLite's negative-KiB form. SQLite sizes its sort runs
 * by it, and the big reads are sorts (states by pair, history grouped by pair): 2 MB runs fit
 * the CPU cache and sort faster than the 16 MB of better-sqlite3's default (measured on 5M
 * history rows: 9.3 s → 7.5 s CPU; 2M state rows: 4.4 s → 3.9 s). Memory stays small too.
 */
export const SNAPSHOT_CACHE_SIZE = -2000;
const COPY_ATTEMPTS = 5;

export async function openSnapshot(
  path: string,
  tmpRoot?: string,
  /** Quiet-copy attempts before falling back to `backup()` in place; tests pass 0. */
  copyAttempts = COPY_ATTEMPTS,
  /** Whether a database nothing has open may be read where it lies (false: always a copy). */
  inPlace = true,
): Promise<OpenedSnapshot> {
  checkFile(path);
  const direct = inPlace ? openInPlace(path) : null;
  if (direct) return direct;
  const tmp = mkdtempSync(join(tmpRoot ?? tmpdir(), "plexodus-plexdb-"));
  let db: Database.Database | undefined;
  const close = () => {
    db?.close();
    db = undefined;
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    let snapshotPath = quietCopy(path, tmp, copyAttempts);
    if (snapshotPath === null) {
      snapshotPath = join(tmp, "snapshot.db");
      try {
        await backup(path, snapshotPath);
      } catch (error) {
        if (!needsCopy(error)) throw error;
        // Cannot open in place (read-only folder, missing -shm rights): take the set as it is.
        await backup(copyFileSet(path, tmp, "forced"), snapshotPath);
      }
    }
    db = new Database(snapshotPath, { readonly: true, fileMustExist: true });
    db.pragma("query_only = 1");
    db.pragma(`cache_size = ${SNAPSHOT_CACHE_SIZE}`);
    return { db, path: snapshotPath, changed: () => false, close };
  } catch (error) {
    close();
    throw asSourceError(error, path);
  }
}

/** Files SQLite keeps beside a database that a connection has open or left unfinished. */
const COMPANIONS = ["-wal", "-shm", "-journal"] as const;

/**
 * The database opened where it lies as an immutable file, or null when it may be in use (a
 * companion file exists), changed while being opened, or SQLite cannot open it that way
 * (then it is copied as before). `immutable` needs URI file names; better-sqlite3 enables them
 * from SQLITE_USE_URI when it loads, so it is set here unless the user set it: a process whose
 * first connection came earlier simply keeps copying.
 */
function openInPlace(path: string): OpenedSnapshot | null {
  if (COMPANIONS.some((suffix) => existsSync(path + suffix))) return null;
  process.env.SQLITE_USE_URI ??= "1";
  const before = fileStates(path);
  const uri = `${pathToFileURL(path).href}?immutable=1`;
  let db: Database.Database | undefined;
  try {
    db = new Database(uri, { readonly: true, fileMustExist: true });
    db.pragma("query_only = 1");
    db.pragma(`cache_size = ${SNAPSHOT_CACHE_SIZE}`);
  } catch {
    db?.close();
    return null;
  }
  const changed = () => fileStates(path) !== before || COMPANIONS.some((suffix) => existsSync(path + suffix));
  if (changed()) {
    db.close();
    return null;
  }
  return {
    db,
    path: uri,
    changed,
    close: () => {
      db?.close();
      db = undefined;
    },
  };
}

/** Problems visible without SQLite: missing, a folder, empty, not SQLite, cut short. */
function checkFile(path: string): void {
  const hint =
    'Point --plex-db at com.plexapp.plugins.library.db in Plex\'s "Plug-in Support/Databases" folder.';
  let size: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw new SourceError(`${path} is a folder, not a Plex database file`, { hint });
    size = stats.size;
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SourceError(`Plex database ${path} does not exist`, { hint });
    throw new SourceError(`cannot read Plex database ${path} (${code ?? "unknown error"})`, {
      hint: "Check the path and that this user may read the file.",
      cause: error,
    });
  }
  if (size === 0) throw new SourceError(`${path} is empty, not a Plex database`, { hint });
  const header = Buffer.alloc(100);
  const fd = openSync(path, "r");
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < SQLITE_HEADER.length || !header.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    throw new SourceError(`${path} is not an SQLite database, so not a Plex library database`, { hint });
  }
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  if (read < 100 || size < pageSize) {
    throw new SourceError(`${path} is cut short (truncated): ${size} bytes`, {
      hint: "Use an intact copy of the database, e.g. one of Plex's automatic backups.",
    });
  }
}

async function backup(source: string, destination: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma("query_only = 1");
    // Returning totalPages copies everything in one step: one read transaction, one snapshot.
    await db.backup(destination, { progress: ({ totalPages }) => totalPages });
  } finally {
    db.close();
  }
}

/** SQLite result codes that mean "cannot open or lock in place", not "bad file". */
function needsCopy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && /^SQLITE_(CANTOPEN|READONLY|IOERR|BUSY|LOCKED|PERM)/.test(code);
}

const SUFFIXES = ["", "-wal", "-shm"] as const;

/** What changes when SQLite writes: size, mtime and (for the -wal) its salted header. */
function fileStates(path: string): string {
  return SUFFIXES.map((suffix) => {
    const file = path + suffix;
    if (!existsSync(file)) return "-";
    const stats = statSync(file, { bigint: true });
    const head = suffix === "-wal" ? readHead(file, 32).toString("hex") : "";
    return `${stats.size}:${stats.mtimeNs}:${head}`;
  }).join("|");
}

function readHead(file: string, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** A copy of the file set taken while nothing wrote to it, or null if that never happened. */
function quietCopy(path: string, tmp: string, attempts: number): string | null {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = fileStates(path);
    const copy = copyFileSet(path, tmp, String(attempt));
    if (fileStates(path) === before) return copy;
    rmSync(dirname(copy), { recursive: true, force: true });
  }
  return null;
}

/** Copies db, -wal and -shm together (a -wal without its -shm cannot be opened). */
function copyFileSet(path: string, tmp: string, label: string): string {
  const folder = join(tmp, `copy-${label}`);
  mkdirSync(folder);
  const target = join(folder, basename(path));
  for (const suffix of SUFFIXES) {
    if (suffix === "" || existsSync(path + suffix)) copyFileSync(path + suffix, target + suffix);
  }
  return target;
}

export function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Database.SqliteError) return error.code;
  return undefined;
}

/** Turns SQLite's failures into messages that say what is wrong with the file. */
export function asSourceError(error: unknown, path: string): unknown {
  if (error instanceof SourceError) return error;
  const code = sqliteCode(error);
  if (code === undefined) {
    const errno = (error as NodeJS.ErrnoException | undefined)?.code;
    if (errno && /^E[A-Z]+$/.test(errno)) {
      return new SourceError(`cannot read Plex database ${path} (${errno})`, {
        hint: "Check that this user may read the file and its folder, and that the temporary folder has space.",
        cause: error,
      });
    }
    return error;
  }
  if (code === "SQLITE_NOTADB") {
    return new SourceError(`${path} is not a readable SQLite database (encrypted or not SQLite)`, {
      cause: error,
    });
  }
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_IOERR_SHORT_READ") {
    return new SourceError(`${path} is damaged (corrupt or truncated): ${code}`, {
      hint: "Use an intact copy (Plex keeps dated backups beside the database) or repair it with Plex's tools.",
      cause: error,
    });
  }
  if (/^SQLITE_(CANTOPEN|READONLY|PERM|IOERR)/.test(code)) {
    return new SourceError(`cannot open Plex database ${path}: ${code}`, {
      hint: "Check permissions on the file, its -wal/-shm files and its folder, or pass a copy of all three.",
      cause: error,
    });
  }
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new SourceError(`Plex database ${path} stayed locked: ${code}`, {
      hint: "Try again in a moment, or stop Plex Media Server while reading.",
      cause: error,
    });
  }
  return new SourceError(`reading Plex database ${path} failed: ${code}: ${(error as Error).message}`, {
    hint: "The database has a shape this plexodus does not know; a newer plexodus may read it.",
    cause: error,
  });
}
