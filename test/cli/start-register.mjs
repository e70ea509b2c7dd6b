import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * Loaded with `node --import` before the CLI (test/cli/start.test.ts): registers the ESM
 * hooks of start-hooks.mjs, which see every `import`, and also lists what `require()` loads
 * on this thread (a package a module requires lazily through createRequire, which ESM hooks
 * do not see in Node 20), in the same file, as file URLs.
 */
register(new URL("./start-hooks.mjs", import.meta.url));

const log = process.env.PLEXODUS_LOADED_MODULES;
const load = Module._load;
Module._load = function (...args) {
  const [request, parent, isMain] = args;
  if (log) {
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      if (file.startsWith("/")) appendFileSync(log, `${pathToFileURL(file).href}\n`);
    } catch {
      // Unresolvable: the load below throws for the caller, as it would have anyway.
    }
  }
  return load.apply(this, args);
};
