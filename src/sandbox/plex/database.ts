import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SourceError } from "../../errors.js";
import { readScenarioDatabase } from "../../sample/plex-db/read.js";
import type { Scenario } from "../../sample/scenario.js";

const HINT =
  "Give --library a Plex library database (com.plexapp.plugins.library.db) or leave it out for the sample.";

/**
 * A person's Plex database read into a scenario without touching it: SQLite opening a WAL
 * database, even read-only, leaves `-wal` and `-shm` files beside it. So the database and its
 * `-wal` (which holds committed rows) are copied into a temporary folder first, read there,
 * and the folder is removed.
 */
export function readDatabaseCopy(path: string): Scenario {
  checkFile(path);
  const folder = mkdtempSync(join(tmpdir(), "plexodus-plex-sandbox-"));
  try {
    const copy = join(folder, "com.plexapp.plugins.library.db");
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    try {
      return { ...readScenarioDatabase(copy), name: path };
    } catch (error) {
      throw new SourceError(`${path} cannot be served as a Plex database: ${(error as Error).message}`, {
        hint: HINT,
        cause: error,
      });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function checkFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError(
      code === "ENOENT" ? `Plex database ${path} does not exist` : `cannot read ${path} (${code})`,
      { hint: HINT, cause: error },
    );
  }
  if (!isFile) throw new SourceError(`${path} is not a file`, { hint: HINT });
}
