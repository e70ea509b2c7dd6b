import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { type Config, loadConfig } from "../../src/config/load.js";
import { DEMO_PATH_MAP, DEMO_USER_MAP, sampleTargetLibrary } from "../../src/sample/index.js";
import { type Sandbox, type SandboxLibrary, startSandbox } from "../../src/sandbox/index.js";

/**
 * What a pipeline test runs against: the bundled sample Plex database in a folder of its own
 * and a sandbox serving `library` (the sample target by default), with the configuration the
 * demo uses plus `flags`. Removing both is pushed on `cleanups`.
 */
export async function sampleRun(
  cleanups: (() => Promise<void> | void)[],
  options: { library?: SandboxLibrary; flags?: Record<string, unknown> } = {},
): Promise<{ box: Sandbox; config: Config; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-pipeline-"));
  const plexDb = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(plexDb);
  // Validation is for API shapes, which the e2e tests check; pipeline tests count and compare.
  const box = await startSandbox({
    kind: "jellyfin",
    version: "10.10",
    library: options.library ?? sampleTargetLibrary(),
    validate: false,
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => box.stop());
  const config = loadConfig({
    env: {},
    flags: {
      plexDb,
      targetUrl: box.url,
      targetApiKey: box.apiKey,
      pathMap: DEMO_PATH_MAP.map((m) => `${m.from}=${m.to}`),
      userMap: DEMO_USER_MAP.map((m) => `${m.from}=${m.to}`),
      createUsers: true,
      ...options.flags,
    },
  });
  return { box, config, dir };
}

/** A full collection on demand, without starting the test process with --expose-gc. */
export function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}
