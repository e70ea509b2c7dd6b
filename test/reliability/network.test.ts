import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PlexSandbox, startPlexSandbox } from "../../src/sandbox/plex/index.js";
import { ensureBuilt } from "../helpers/dist.js";
import { type Rig, SENTINEL_PLEX_TOKEN, sampleRig } from "./harness.js";
import { runProcess } from "./process.js";

/**
 * SEMANTICS §6: the only hosts contacted are the configured Plex and target servers. A real
 * process runs with a preload that records every socket connect and DNS lookup.
 */
describe("security: the process contacts no host but the configured ones", () => {
  let skip: string | null = null;
  let rig: Rig;
  let plex: PlexSandbox;
  beforeAll(async () => {
    skip = ensureBuilt();
    rig = await sampleRig();
    plex = await startPlexSandbox({ databasePath: rig.plexDb, token: SENTINEL_PLEX_TOKEN });
  }, 180_000);
  afterAll(async () => {
    await plex?.stop();
    await rig?.cleanup();
  });

  it("migrate (Plex database + Plex API + target) connects only to the two sandboxes, looks up no name", async (ctx) => {
    if (skip) ctx.skip(skip);
    const log = join(rig.dir, "connections.log");
    const args = [...rig.args("migrate"), "--plex-url", plex.url];
    const result = await runProcess(args, {
      cwd: rig.dir,
      env: { PLEXODUS_PLEX_TOKEN: SENTINEL_PLEX_TOKEN, PLEXODUS_TEST_CONNECTIONS: log },
      nodeArgs: ["--require", join(import.meta.dirname, "fixtures/record-connections.cjs")],
    });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(log)).toBe(true);
    const lines = [...new Set(readFileSync(log, "utf8").trim().split("\n"))];
    const allowed = new Set(
      [new URL(rig.sandbox.url).host, new URL(plex.url).host].map((h) => `connect ${h}`),
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => !allowed.has(line))).toEqual([]);
    expect(lines).toContain(`connect ${new URL(rig.sandbox.url).host}`);
    // Both servers were really used (the Plex API adds the smart playlist's members).
    expect(lines).toContain(`connect ${new URL(plex.url).host}`);
    expect(plex.requests.length).toBeGreaterThan(0);
    expect(rig.sandbox.dump().playlists.map((p) => p.name)).toContain("Unwatched Breaking Bad");
  }, 90_000);
});
