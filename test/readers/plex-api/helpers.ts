import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { writePlexDatabase } from "../../../fixtures/plex/write.js";
import { FRIEND, OWNER, SAMPLE_SCENARIO } from "../../../src/sample/index.js";
import type { Scenario } from "../../../src/sample/scenario.js";
import { type PlexSandbox, startPlexSandbox } from "../../../src/sandbox/plex/index.js";

export const TOKEN = "plex-owner-token-5f3a9c1e7b";

export const TENET_GUID = "plex://movie/5d776d1b96b655001fe2ad3b";
export const BLADE_RUNNER_GUID = "plex://movie/5d776825880197001ec90a1b";

/**
 * The sample plus a smart collection, whose membership only the API knows, and the two ways a
 * play and the played flag part (issue 13 item 14): the owner played Tenet but has no settings
 * row for it (the history dates a last play; Plex does not call it played), and the friend
 * marked Blade Runner played on a Plex that records no play for that (PMS 1.40 and later).
 */
export const SCENARIO: Scenario = {
  ...SAMPLE_SCENARIO,
  settings: [
    ...SAMPLE_SCENARIO.settings,
    { accountId: FRIEND, guid: BLADE_RUNNER_GUID, viewCount: 1, lastViewedAt: "2024-03-03T20:00:00Z" },
  ],
  views: [...SAMPLE_SCENARIO.views, { accountId: OWNER, guid: TENET_GUID, viewedAt: "2022-02-02T20:00:00Z" }],
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
