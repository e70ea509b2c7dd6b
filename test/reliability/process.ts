import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Cases that need a real process (a file-size limit, a preload that watches sockets) run the
 * compiled CLI. dist/ is rebuilt when a source is newer; when no build is possible the caller
 * skips with this reason instead of testing stale code.
 */
export const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "dist/src/cli/main.js");
export const BIN = join(ROOT, "bin/plexodus.js");

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
  // tsc emits even when another engineer's file has a type error; only missing output is fatal.
  spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "ignore",
  });
  return existsSync(MAIN) ? null : "dist/ could not be built (run `npm run build`)";
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `plexodus args…` as a child process. `shellPrefix` (e.g. `ulimit -f 64;`) runs in a
 * POSIX shell before exec'ing node; `nodeArgs` go to node itself (e.g. `--require x.cjs`).
 */
export function runProcess(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; shellPrefix?: string; nodeArgs?: string[] },
): Promise<ProcessResult> {
  const argv = [process.execPath, ...(options.nodeArgs ?? []), BIN, ...args];
  const child = options.shellPrefix
    ? spawn("/bin/sh", ["-c", `${options.shellPrefix} exec "$@"`, "sh", ...argv], {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? "", ...options.env },
      })
    : spawn(argv[0]!, argv.slice(1), {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? "", ...options.env },
      });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((done) => {
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
