import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type ApplyResult, applyPlan } from "../../src/executor/apply.js";
import type { Action, Plan } from "../../src/planner/plan.js";
import { SILENT_PROGRESS } from "../../src/progress.js";
import type { SandboxLibrary } from "../../src/sandbox/index.js";
import { connectTarget } from "../../src/targets/detect.js";
import type { TargetAdapter } from "../../src/targets/types.js";

/** What the apply goals (requests, throughput) share: a generated library and a plan over it. */

/** `movies` movies and `users` users besides the admin; nobody has watched anything yet. */
export function movieLibrary(movies: number, users: number): SandboxLibrary {
  return {
    users: [
      { name: "admin", admin: true },
      ...Array.from({ length: users }, (_, i) => ({ name: `user${i}` })),
    ],
    libraries: [
      {
        name: "Movies",
        collectionType: "movies",
        paths: ["/media/movies"],
        items: Array.from({ length: movies }, (_, i) => ({
          type: "Movie" as const,
          name: `Movie ${i}`,
          year: 1950 + (i % 70),
          providerIds: { Imdb: `tt${String(1_000_000 + i)}` },
          path: `/media/movies/Movie ${i}/Movie ${i}.mkv`,
        })),
      },
    ],
  };
}

/** One watched write per movie and non-admin user, planned from the target's current values. */
export async function watchedPlan(adapter: TargetAdapter): Promise<Plan> {
  const info = await adapter.check();
  const index = await adapter.index();
  const movies = index.items.filter((item) => item.kind === "movie");
  const actions: Action[] = [];
  for (const user of await adapter.listUsers()) {
    if (user.isAdmin) continue;
    const current = await adapter.readUserData(
      user.id,
      movies.map((movie) => movie.id),
    );
    movies.forEach((movie, n) => {
      const now = current.get(movie.id)!;
      actions.push({
        key: `watched:${user.name}:${movie.id}`,
        type: "set-user-data",
        user: { name: user.name, id: user.id },
        itemId: movie.id,
        title: movie.title,
        sourceItemKeys: [`plex:${movie.id}`],
        categories: ["watched"],
        before: { ...now, lastPlayedAt: now.lastPlayedAt?.toISOString() ?? null },
        set: {
          played: true,
          playCount: now.playCount + 1 + (n % 3),
          lastPlayedAt: "2024-01-01T00:00:00.000Z",
        },
      });
    });
  }
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    source: { kind: "plex-db", serverName: null, serverId: null, schemaFingerprint: "bench" },
    target: {
      kind: info.kind,
      version: info.version,
      serverId: info.serverId,
      serverName: "bench",
      url: info.url,
    },
    options: { mode: "merge", kinds: ["watched"], favoriteMinRating: null },
    users: [],
    actions,
    skipped: [],
    unmatched: [],
    limitations: [],
    counts: { users: 0, watched: actions.length, progress: 0, ratings: 0, playlists: 0, collections: 0 },
  };
}

/** The real adapter against a server, as `apply` connects it. */
export function adapterFor(url: string, apiKey: string, concurrency: number): Promise<TargetAdapter> {
  return connectTarget({ url, apiKey, kind: "auto", timeout: 30, concurrency });
}

/** Applies a plan with a fresh journal in a temporary folder. */
export async function applyFresh(
  plan: Plan,
  adapter: TargetAdapter,
  concurrency: number,
): Promise<ApplyResult> {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-bench-apply-"));
  try {
    return await applyPlan(plan, adapter, {
      journalPath: join(dir, "bench.journal"),
      concurrency,
      credentialsFile: join(dir, "credentials.txt"),
      progress: SILENT_PROGRESS,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SandboxProcess {
  url: string;
  /** The sandbox's process id (for its CPU time). */
  pid: number;
  apiKey: string;
  stop(): Promise<void>;
}

/**
 * `plexodus sandbox` in a process of its own, so its work does not count as plexodus's and
 * does not share an event loop with the client being measured.
 */
export async function sandboxProcess(
  root: string,
  library: SandboxLibrary,
  extra: readonly string[] = [],
  kind: "jellyfin" | "emby" = "jellyfin",
): Promise<SandboxProcess> {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-bench-sandbox-"));
  const file = join(dir, "library.json");
  writeFileSync(file, JSON.stringify(library));
  const apiKey = randomBytes(16).toString("hex");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(root, "bin", "plexodus.js"),
      "sandbox",
      "--kind",
      kind,
      "--library",
      file,
      "--api-key",
      apiKey,
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`plexodus sandbox exited (${code}) before serving`)));
    lines.once("line", (line) => resolve(line.trim()));
  });
  return {
    url,
    pid: child.pid!,
    apiKey,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
