import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { writePlexDatabase } from "../../../fixtures/plex/write.js";
import { SAMPLE_SCENARIO } from "../../../src/sample/index.js";
import type { Scenario } from "../../../src/sample/scenario.js";
import { type PlexSandbox, startPlexSandbox } from "../../../src/sandbox/plex/index.js";

export const TOKEN = "plex-owner-token-5f3a9c1e7b";

/** The sample plus a smart collection, whose membership only the API knows. */
export const SCENARIO: Scenario = {
  ...SAMPLE_SCENARIO,
  collections: [
    ...SAMPLE_SCENARIO.collections,
    { id: 602, sectionId: 1, title: "Recently Rated", memberIds: [], smartMembers: [105, 101] },
  ],
};

export interface PlexFixture {
  dir: string;
  databasePath: string;
  sandbox: PlexSandbox;
}

/** One fixture database and a Plex sandbox serving it, for the whole file. */
export function plexFixture(scenario: Scenario = SCENARIO): () => PlexFixture {
  let fixture: PlexFixture | undefined;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "plexodus-plexapi-"));
    const databasePath = join(dir, "com.plexapp.plugins.library.db");
    writePlexDatabase(databasePath, scenario);
    const sandbox = await startPlexSandbox({ scenario, token: TOKEN });
    fixture = { dir, databasePath, sandbox };
  });
  afterAll(async () => {
    await fixture?.sandbox.stop();
    if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
  });
  return () => {
    if (!fixture) throw new Error("fixture not ready");
    return fixture;
  };
}
