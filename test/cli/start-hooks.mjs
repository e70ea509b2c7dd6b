import { appendFileSync } from "node:fs";

/**
 * Module hooks for test/cli/start.test.ts: every module the process resolves (ESM imports and
 * the packages they pull in, CommonJS ones included) is appended as a URL, one a line, to the
 * file named by PLEXODUS_LOADED_MODULES. Registered with `node --import` before the CLI loads.
 */
const log = process.env.PLEXODUS_LOADED_MODULES;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
