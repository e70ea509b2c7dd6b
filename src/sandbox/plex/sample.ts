import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSampleDatabase } from "../../sample/plex.js";

/** The bundled sample scenario written as a Plex database in a temp folder, and its removal. */
export function writeSamplePlexDatabase(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-plex-sandbox-"));
  const path = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(path);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
