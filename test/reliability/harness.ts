import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { DEMO_PATH_MAP, DEMO_USER_MAP, sampleTargetLibrary } from "../../src/sample/index.js";
import {
  type Sandbox,
  type SandboxOptions,
  type SandboxState,
  startSandbox,
} from "../../src/sandbox/index.js";
import { type CliResult, run } from "../helpers/io.js";

/** Secrets no output or file may ever contain. */
export const SENTINEL_API_KEY = "sentinelApiKey+/=Zq81";
export const SENTINEL_PLEX_TOKEN = "sentinelPlexToken+/=Xk42";

/** The bundled sample against the demo's matching target library, plus the options a person passes. */
export interface Rig {
  dir: string;
  plexDb: string;
  journal: string;
  credentials: string;
  sandbox: Sandbox;
  /** `command` with source, target, maps, --create-users, credentials file (and --yes, journal for migrate). */
  args(command: string, ...extra: string[]): string[];
  run(command: string, ...extra: string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = "plexodus-rel-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function sampleRig(options: Partial<SandboxOptions> = {}): Promise<Rig> {
  const dir = tempDir();
  const plexDb = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(plexDb);
  const sandbox = await startSandbox({
    kind: "jellyfin",
    library: sampleTargetLibrary(),
    apiKey: SENTINEL_API_KEY,
    validate: true,
    ...options,
  });
  const journal = join(dir, "run.journal");
  const credentials = join(dir, "credentials.txt");
  const args = (command: string, ...extra: string[]) => [
    command,
    "--plex-db",
    plexDb,
    "--target-url",
    sandbox.url,
    "--target-api-key",
    sandbox.apiKey,
    ...DEMO_PATH_MAP.flatMap((m) => ["--path-map", `${m.from}=${m.to}`]),
    ...DEMO_USER_MAP.flatMap((m) => ["--user-map", `${m.from}=${m.to}`]),
    "--create-users",
    "--credentials-file",
    credentials,
    ...(command === "migrate" ? ["--yes", "--journal", journal] : []),
    ...extra,
  ];
  return {
    dir,
    plexDb,
    journal,
    credentials,
    sandbox,
    args,
    run: (command, ...extra) => run(args(command, ...extra), { cwd: dir }),
    async cleanup() {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What a migration leaves on the target, by names and library refs only, so two sandboxes
 * (or one before and after faults) compare equal when they hold the same state.
 */
export function endState(state: SandboxState) {
  const userData: Record<string, Record<string, unknown>> = {};
  for (const [user, items] of Object.entries(state.userData)) {
    const own: Record<string, unknown> = {};
    for (const [id, data] of Object.entries(items)) {
      const { ref, ...rest } = data;
      own[ref ?? id] = rest;
    }
    userData[user] = own;
  }
  return {
    users: state.users
      .map((u) => ({ name: u.name, isAdmin: u.isAdmin, hasPassword: u.hasPassword }))
      .sort(byName),
    userData,
    playlists: state.playlists
      .map((p) => ({
        name: p.name,
        owner: p.owner,
        isPublic: p.isPublic,
        entries: p.entries.map((e) => e.ref),
      }))
      .sort(byName),
    collections: state.collections
      .map((c) => ({ name: c.name, members: c.members.map((m) => m.ref).sort() }))
      .sort(byName),
  };
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

let reference: ReturnType<typeof endState> | undefined;

/** The state one clean, fault-free migrate of the sample produces (computed once). */
export async function cleanEndState(): Promise<ReturnType<typeof endState>> {
  if (reference) return reference;
  const rig = await sampleRig();
  try {
    const result = await rig.run("migrate");
    if (result.code !== 0) throw new Error(`clean reference run failed: ${result.stderr}`);
    reference = endState(rig.sandbox.dump());
    return reference;
  } finally {
    await rig.cleanup();
  }
}

/** Count of requests that change the target. */
export function writesOf(sandbox: Sandbox): number {
  return sandbox.requests.filter((r) => r.write).length;
}

/** Every file under `dir` (recursively) as text, for leak scans. */
export function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, text: readFileSync(path).toString("latin1") });
  }
  return out;
}
