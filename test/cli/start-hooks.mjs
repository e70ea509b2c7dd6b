import { appendFileSync } from "node:fs";

/**
 * Module hooks for test/cli/start.test.ts: every module the process resolves through `import`
 * (a CommonJS package imported included) is appended as a URL, one a line, to the file named
 * by PLEXODUS_LOADED_MODULES. Registered by start-register.mjs, which lists require() loads.
 */
const log = process.env.PLEXODUS_LOADED_MODULES;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
