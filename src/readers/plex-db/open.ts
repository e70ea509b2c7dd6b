import {
  accessSync,
  closeSync,
  constants,
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
import Database from "better-sqlite3";
import { SourceError } from "../../errors.js";

/**
 * Safe access to a Plex database that Plex may be writing right now (reference §1):
 * open the real file read-only, copy it page by page in one step with `backup()` (one
 * consistent read transaction, so rows still in the -wal are included), and read the copy.
 * When the folder is read-only or the file cannot be opened in place, the db, -wal and -shm
 * files are copied together into a temporary folder first. The original is never written.
 */
export interface OpenedSnapshot {
  db: Database.Database;
  /** Closes the snapshot and removes every temporary file. Safe to call twice. */
  close(): void;
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

export async function openSnapshot(path: string, tmpRoot?: string): Promise<OpenedSnapshot> {
  checkFile(path);
  const tmp = mkdtempSync(join(tmpRoot ?? tmpdir(), "plexodus-plexdb-"));
  let db: Database.Database | undefined;
  const close = () => {
    db?.close();
    db = undefined;
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const snapshotPath = join(tmp, "snapshot.db");
    if (folderIsWritable(path)) {
      try {
        await backup(path, snapshotPath);
      } catch (error) {
        if (!needsCopy(error)) throw error;
        await backup(copyFileSet(path, tmp), snapshotPath);
      }
    } else {
      await backup(copyFileSet(path, tmp), snapshotPath);
    }
    db = new Database(snapshotPath, { readonly: true, fileMustExist: true });
    db.pragma("query_only = 1");
    return { db, close };
  } catch (error) {
    close();
    throw asSourceError(error, path);
  }
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

function folderIsWritable(path: string): boolean {
  try {
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
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

/** Copies db, -wal and -shm together (a -wal without its -shm cannot be opened). */
function copyFileSet(path: string, tmp: string): string {
  const folder = join(tmp, "copy");
  mkdirSync(folder);
  const target = join(folder, basename(path));
  for (const suffix of ["", "-wal", "-shm"]) {
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
