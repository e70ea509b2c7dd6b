import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Cases that need a real process (kill -9, SIGTERM, a file-size limit, a preload that watches
 * sockets) run the compiled CLI in dist/. `npm install` builds it (prepare); here it is rebuilt
 * when any source is newer, and when no build is possible the caller skips with the reason
 * instead of testing stale code.
 */
export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/plexodus.js");
const MAIN = join(ROOT, "dist/src/cli/main.js");

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds dist/ if stale; returns null when ready, else why process cases cannot run. */
export function ensureBuilt(): string | null {
  const sources = Math.max(newest(join(ROOT, "src")), newest(join(ROOT, "fixtures")));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= sources) return null;
  // tsc emits even when another file has a type error; only a missing output is fatal.
  spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "ignore",
  });
  return existsSync(MAIN) ? null : "dist/ could not be built (run `npm run build`)";
}
