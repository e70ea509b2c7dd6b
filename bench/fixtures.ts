import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ScaleSize } from "../fixtures/plex/scale.js";

/**
 * A generated Plex database of `size`, built once and cached in `outDir` (bench/out/, which
 * git ignores). The file name carries the size and a hash of the generator's code, so a changed
 * generator builds a fresh file instead of reusing a stale one. Built in a child process, so
 * its memory and time do not count in the caller's figures; the 200k size takes minutes.
 */
export function scaleDatabase(
  root: string,
  outDir: string,
  size: ScaleSize,
  log: (line: string) => void,
): string {
  const generator = join(root, "dist", "fixtures", "plex", "generate.js");
  const code = createHash("sha256");
  for (const file of ["fixtures/plex/scale.js", "src/sample/plex-db/schema.js"]) {
    code.update(readFileSync(join(root, "dist", file)));
  }
  const name = `plex-${size.items}-${size.accounts}-${size.states}-${size.history}-${code.digest("hex").slice(0, 8)}.db`;
  const path = join(outDir, name);
  if (existsSync(path)) return path;
  mkdirSync(outDir, { recursive: true });
  log(`generating ${name} (cached in ${outDir} for later runs)…`);
  const partial = `${path}.partial`;
  const args = ["--scenario", "scale", "--out", partial];
  for (const key of ["items", "accounts", "states", "history"] as const)
    args.push(`--${key}`, String(size[key]));
  const built = spawnSync(process.execPath, [generator, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`generating the benchmark database ${name} failed`);
  }
  renameSync(partial, path);
  return path;
}
