import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../config/load.js";
import type { ApplyResult } from "../executor/index.js";
import type { TargetKind } from "../model/index.js";
import { type DriftEntry, findDrift, type Plan } from "../planner/index.js";
import { DEMO_PATH_MAP, DEMO_USER_MAP, sampleTargetLibrary, writeSampleDatabase } from "../sample/index.js";
import { startSandbox } from "../sandbox/index.js";
import { executePlan } from "./apply.js";
import type { Interaction } from "./interaction.js";
import { makePlan } from "./plan.js";
import type { Prepared } from "./prepare.js";

export interface DemoOptions {
  kind: TargetKind;
  /** Sandbox version; the sandbox's default of the kind (DEFAULT_VERSIONS) when absent. */
  version: string | undefined;
  /** The sandbox's API key; the caller keeps it out of everything it prints. */
  apiKey: string;
  /** Keep the temporary folder (Plex database, journal, credentials) instead of removing it. */
  keep: boolean;
}

/** Each moment of the demo as it happens, so the person can follow along. */
export type DemoEvent =
  | { type: "started"; sandbox: { kind: string; version: string; url: string }; config: Config }
  | { type: "planning" }
  | { type: "planned"; prepared: Prepared }
  | { type: "applying"; plan: Plan }
  | { type: "applied"; plan: Plan; result: ApplyResult | null }
  | { type: "verifying" };

export interface DemoOutcome {
  kind: TargetKind;
  /** The plan that was applied. */
  first: Prepared;
  result: ApplyResult | null;
  /** The plan made afresh after applying: what a second run would still send. */
  again: Prepared;
  drift: DriftEntry[];
  /** The temporary folder when kept, else null (it is gone). */
  keptFolder: string | null;
}

/**
 * `demo`: the whole migration on the bundled sample, against the built-in sandbox on
 * loopback, so anyone can see what plexodus does before pointing it at a real server.
 */
export async function runDemo(
  options: DemoOptions,
  interaction: Interaction,
  report: (event: DemoEvent) => void,
): Promise<DemoOutcome> {
  const { kind, version, apiKey, keep } = options;
  const folder = mkdtempSync(join(tmpdir(), "plexodus-demo-"));
  const sandbox = await startSandbox({ kind, version, library: sampleTargetLibrary(), apiKey });
  try {
    const plexDb = join(folder, "com.plexapp.plugins.library.db");
    writeSampleDatabase(plexDb);
    const config = loadConfig({
      env: {},
      flags: {
        plexDb,
        targetUrl: sandbox.url,
        targetApiKey: apiKey,
        pathMap: DEMO_PATH_MAP.map((m) => `${m.from}=${m.to}`),
        userMap: DEMO_USER_MAP.map((m) => `${m.from}=${m.to}`),
        createUsers: true,
        favoriteMinRating: 9,
        yes: true,
        journal: join(folder, "demo.journal"),
        credentialsFile: join(folder, "credentials.txt"),
      },
    });
    report({
      type: "started",
      sandbox: { kind: sandbox.kind, version: sandbox.version, url: sandbox.url },
      config,
    });

    report({ type: "planning" });
    const first = await makePlan(config, interaction);
    report({ type: "planned", prepared: first });

    report({ type: "applying", plan: first.plan });
    const result = await executePlan(first.plan, config, interaction, folder);
    report({ type: "applied", plan: first.plan, result });

    report({ type: "verifying" });
    const again = await makePlan(config, interaction);
    const drift = findDrift(again.plan);
    return { kind, first, result, again, drift, keptFolder: keep ? folder : null };
  } finally {
    await sandbox.stop();
    if (!keep) rmSync(folder, { recursive: true, force: true });
  }
}
