import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { DEMO_PATH_MAP, DEMO_USER_MAP, sampleTargetLibrary } from "../../src/sample/index.js";
import {
  type FaultOptions,
  type Sandbox,
  type SandboxLibrary,
  type SandboxState,
  startSandbox,
} from "../../src/sandbox/index.js";
import { type CliResult, run } from "../helpers/io.js";

/** The personalities every end-to-end case runs against (10.8 has its own file: no user-data write). */
export const TARGETS = [
  { kind: "jellyfin", version: "10.11" },
  { kind: "jellyfin", version: "10.9" },
  { kind: "emby", version: "4.8" },
  { kind: "emby", version: "4.9" },
] as const;

export type TargetKind = (typeof TARGETS)[number]["kind"];

/**
 * Jellyfin 10.9–10.10 let only a playlist's owner remove entries, never an API key
 * (docs/targets.md): rollback reports the entries it appended to an existing playlist as
 * failed (exit 1) and restores everything else.
 */
export function noEntryRemoval(kind: string, version: string): boolean {
  return kind === "jellyfin" && (version === "10.9" || version === "10.10");
}

/** A sentinel key: any output or file holding it leaked the secret. */
export const SENTINEL_API_KEY = "e2esentinel0a1b2c3d4e5f60718293a";

/**
 * The demo target library (the media of the Plex sample as a target holds it) plus state the
 * target already had before the migration, so merge and mirror have something to keep or
 * overwrite: see the expected tables in expected.ts.
 */
export function richLibrary(): SandboxLibrary {
  const library = structuredClone(sampleTargetLibrary());
  const preexisting: Record<string, Record<string, object>> = {
    // The owner's five plays of The Matrix come with the demo library.
    "blade-runner": { admin: { playbackPositionTicks: 12_000_000_000 } },
    casablanca: { admin: { rating: 6 } },
    shawshank: { admin: { lastPlayedDate: "2022-12-25T20:00:00Z" } },
    "office-s1e1": { admin: { played: true, playCount: 1, lastPlayedDate: "2020-09-01T18:00:00Z" } },
    lawrence: { Alex: { played: true, playCount: 2, lastPlayedDate: "2019-03-03T20:00:00Z" } },
  };
  const visit = (items: { ref?: string; userData?: object; children?: unknown[] }[]) => {
    for (const item of items) {
      const extra = item.ref === undefined ? undefined : preexisting[item.ref];
      if (extra) item.userData = { ...item.userData, ...extra };
      if (item.children) visit(item.children as typeof items);
    }
  };
  for (const section of library.libraries) visit(section.items ?? []);
  library.playlists = [
    // admin already made "Movie Night" with one entry: the migration appends the rest.
    { name: "Movie Night", owner: "admin", entries: ["bb-s1e1"] },
    // Alex's public "Road Trip" is not Kids' playlist: Kids still gets a private one.
    { name: "Road Trip", owner: "Alex", public: true, entries: ["airbag"] },
  ];
  library.collections = [{ name: "Sci-Fi Classics", members: ["matrix"] }];
  return library;
}

export interface World {
  box: Sandbox;
  dir: string;
  plexDb: string;
  journal: string;
  credentials: string;
  /** Flags naming the source, the target, the maps and the files of this world. */
  flags(extra?: string[]): string[];
  /** Flags for the read-only commands (plan, verify): no journal or credentials file. */
  readFlags(extra?: string[]): string[];
  cli(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A temp folder with the Plex sample database and a validating sandbox; gone after the test. */
export async function world(options: {
  kind: TargetKind;
  version: string;
  library?: SandboxLibrary;
  faults?: FaultOptions;
  apiKey?: string;
  /** What /System/Info/Public reports instead (tests of newer and older servers). */
  reportedVersion?: string;
}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-e2e-"));
  const plexDb = join(dir, "com.plexapp.plugins.library.db");
  writeSampleDatabase(plexDb);
  const box = await startSandbox({
    kind: options.kind,
    version: options.version,
    library: options.library ?? richLibrary(),
    apiKey: options.apiKey ?? SENTINEL_API_KEY,
    validate: true,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.reportedVersion ? { reportedVersion: options.reportedVersion } : {}),
  });
  cleanups.push(async () => {
    await box.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const journal = join(dir, "run.journal");
  const credentials = join(dir, "credentials.txt");
  const readFlags = (extra: string[] = []) => [
    "--plex-db",
    plexDb,
    "--target-url",
    box.url,
    ...DEMO_PATH_MAP.flatMap((m) => ["--path-map", `${m.from}=${m.to}`]),
    ...DEMO_USER_MAP.flatMap((m) => ["--user-map", `${m.from}=${m.to}`]),
    "--create-users",
    "--favorite-min-rating",
    "9",
    ...extra,
  ];
  return {
    box,
    dir,
    plexDb,
    journal,
    credentials,
    readFlags,
    flags: (extra = []) => readFlags(["--journal", journal, "--credentials-file", credentials, ...extra]),
    // The key comes from the environment, as CI would pass it.
    cli: (args, env = {}) => run(args, { cwd: dir, env: { PLEXODUS_TARGET_API_KEY: box.apiKey, ...env } }),
  };
}

/** Requests that change something (anything but GET/HEAD) since `from`. */
export function writesSince(box: Sandbox, from = 0): string[] {
  return box.requests
    .slice(from)
    .filter((request) => request.write)
    .map((request) => `${request.method} ${request.path}`);
}

/** Every test ends by checking our requests and the sandbox's answers stayed within the spec. */
export function expectNoViolations(box: Sandbox): void {
  expect(box.violations).toEqual([]);
}

export function expectExit(result: CliResult, code: number): void {
  if (result.code !== code) {
    throw new Error(
      `expected exit ${code}, got ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
}

/** One user's data on one item, in the units of the expected tables. */
export interface DataRow {
  played: boolean;
  plays: number;
  lastPlayed: string | null;
  positionMs: number;
  rating: number | null;
  favorite: boolean;
}

/** The parts of a dump a migration decides, in server-neutral terms (names and refs, no ids). */
export interface EndState {
  users: { name: string; admin: boolean; hasPassword: boolean }[];
  userData: Record<string, Record<string, DataRow>>;
  playlists: { name: string; owner: string | null; public: boolean; entries: string[] }[];
  collections: { name: string; members: string[] }[];
}

function utc(date: string | null): string | null {
  return date === null ? null : new Date(date).toISOString().replace(".000Z", "Z");
}

export function endState(dump: SandboxState): EndState {
  const userData: EndState["userData"] = {};
  for (const [user, items] of Object.entries(dump.userData)) {
    const rows: Record<string, DataRow> = {};
    for (const [itemId, data] of Object.entries(items)) {
      rows[data.ref ?? itemId] = {
        played: data.played,
        plays: data.playCount,
        lastPlayed: utc(data.lastPlayedDate),
        positionMs: data.playbackPositionTicks / 10_000,
        rating: data.rating,
        favorite: data.isFavorite,
      };
    }
    if (Object.keys(rows).length > 0) userData[user] = rows;
  }
  const byName = <T extends { name: string }>(list: T[]) =>
    [...list].sort(
      (a, b) => a.name.localeCompare(b.name) || JSON.stringify(a).localeCompare(JSON.stringify(b)),
    );
  return {
    users: byName(dump.users.map((u) => ({ name: u.name, admin: u.isAdmin, hasPassword: u.hasPassword }))),
    userData,
    playlists: byName(
      dump.playlists.map((p) => ({
        name: p.name,
        owner: p.owner,
        public: p.isPublic,
        entries: p.entries.map((e) => e.ref ?? e.itemId),
      })),
    ),
    collections: byName(
      dump.collections.map((c) => ({ name: c.name, members: c.members.map((m) => m.ref ?? m.itemId) })),
    ),
  };
}
