import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Plugin, transformWithOxc } from "vite";

/**
 * Worker threads under vitest. The code starts a worker the way bundlers expect,
 * `new Worker(new URL("./name.js", import.meta.url))`, which finds the compiled name.js beside
 * the compiled caller in dist/. Vitest runs the TypeScript sources instead, and Node 20 cannot
 * load name.ts in a worker thread. So for every such URL whose name.ts sits beside the module,
 * this plugin compiles name.ts with Vite's own TypeScript transform (types stripped, nothing
 * bundled) into a file under Vite's cache folder, inside node_modules so the worker's package
 * imports resolve, and points the URL there. A worker module may therefore import packages and
 * types only: a relative import would not resolve from the cache, and fails the transform.
 */
export function workerEntries(): Plugin {
  let cacheDir = "";
  return {
    name: "plexodus:worker-entries",
    configResolved(config) {
      cacheDir = join(config.cacheDir, "worker-entries");
    },
    async transform(code, id) {
      if (!id.endsWith(".ts") || !code.includes("import.meta.url")) return null;
      let out = code;
      for (const [expression, name] of code.matchAll(WORKER_URL)) {
        const source = resolve(dirname(id), `${name}.ts`);
        if (!existsSync(source)) continue;
        const compiled = await compile(source, cacheDir);
        out = out.replace(expression, `new URL(${JSON.stringify(pathToFileURL(compiled).href)})`);
      }
      return out === code ? null : { code: out, map: null };
    },
  };
}

/** `new URL("./name.js", import.meta.url)`, capturing `./name`. */
const WORKER_URL = /new URL\("(\.\/[\w.-]+)\.js", import\.meta\.url\)/g;

async function compile(source: string, cacheDir: string): Promise<string> {
  const { code } = await transformWithOxc(readFileSync(source, "utf8"), source, { lang: "ts" });
  const relative = /^\s*(?:import|export)\b[^;]*?from\s*["']\.{1,2}\//m.exec(code);
  if (relative) {
    throw new Error(`${source}: a worker module may import packages and types only, not "${relative[0]}"`);
  }
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 12);
  const target = join(cacheDir, `${basename(source, ".ts")}-${hash}.mjs`);
  if (!existsSync(target)) {
    mkdirSync(cacheDir, { recursive: true });
    // Written aside, then renamed: a worker never starts from a half-written file.
    const partial = `${target}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, target);
  }
  return target;
}
