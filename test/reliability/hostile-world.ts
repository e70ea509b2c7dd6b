import { join } from "node:path";
import { writePlexDatabase } from "../../fixtures/plex/write.js";
import type { TargetKind } from "../../src/model/index.js";
import type { Scenario, ScenarioItem, ScenarioSetting } from "../../src/sample/scenario.js";
import type { SandboxLibrary } from "../../src/sandbox/index.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { type CliResult, run } from "../helpers/io.js";
import { SENTINEL_API_KEY, tempDir } from "./harness.js";

/**
 * A small world built for one odd case: films on the Plex side (with the files as Plex spells
 * them) and the same films on the target (as the target spells them), people, their state and
 * playlists. The test states the expected end state from these inputs.
 */
export interface Film {
  title: string;
  year?: number;
  /** IMDb id, when the film should match by id; else it must match by path. */
  imdb?: string;
  /** Plex's file paths (all parts of one version). */
  plexFiles: string[];
  /** The target's path of the same film. */
  targetPath: string;
}

export interface Watch {
  user: string;
  film: number;
  viewCount?: number;
  viewOffsetMs?: number;
  lastViewedAt?: string;
  rating?: number;
}

export interface World {
  users: string[];
  films: Film[];
  watches: Watch[];
  playlists?: { owner: string; title: string; films: number[] }[];
  pathMap?: string[];
  kind?: TargetKind;
}

export interface Built {
  dir: string;
  sandbox: Sandbox;
  /** Film index → target item id. */
  ids: string[];
  migrate(...extra: string[]): Promise<CliResult>;
  stop(): Promise<void>;
}

export async function build(world: World): Promise<Built> {
  const dir = tempDir("plexodus-hostile-");
  const plexDb = join(dir, "com.plexapp.plugins.library.db");
  const accounts = world.users.map((name, i) => ({ id: i + 1, name }));
  const accountId = new Map(accounts.map((a) => [a.name, a.id]));
  const guid = (i: number) => `plex://movie/hostile${String(i).padStart(8, "0")}`;
  const items: ScenarioItem[] = world.films.map((film, i) => ({
    id: 1000 + i,
    kind: "movie",
    sectionId: 1,
    guid: film.imdb ? guid(i) : `local://${1000 + i}`,
    title: film.title,
    ...(film.year ? { year: film.year } : {}),
    ...(film.imdb ? { externalIds: [`imdb://${film.imdb}`] } : {}),
    media: [{ parts: film.plexFiles.map((file) => ({ file })) }],
  }));
  const settings: ScenarioSetting[] = world.watches.map((w) => ({
    accountId: accountId.get(w.user)!,
    guid: items[w.film]!.guid,
    ...(w.viewCount !== undefined ? { viewCount: w.viewCount } : {}),
    ...(w.viewOffsetMs !== undefined ? { viewOffsetMs: w.viewOffsetMs } : {}),
    ...(w.lastViewedAt !== undefined ? { lastViewedAt: w.lastViewedAt } : {}),
    ...(w.rating !== undefined ? { rating: w.rating } : {}),
  }));
  const scenario: Scenario = {
    name: "hostile",
    accounts,
    sections: [
      {
        id: 1,
        name: "Films",
        kind: "movie",
        agent: "tv.plex.agents.movie",
        scanner: "Plex Movie",
        locations: ["/"],
      },
    ],
    items,
    settings,
    views: [],
    playlists: (world.playlists ?? []).map((p, i) => ({
      id: 900_000 + i,
      ownerAccountId: accountId.get(p.owner)!,
      title: p.title,
      entries: p.films.map((f) => 1000 + f),
    })),
    collections: [],
  };
  writePlexDatabase(plexDb, scenario);
  const library: SandboxLibrary = {
    serverName: "Hostile target",
    users: [{ name: "admin", admin: true, password: "admin" }],
    libraries: [
      {
        name: "Films",
        collectionType: "movies",
        paths: ["/"],
        items: world.films.map((film, i) => ({
          ref: `film-${i}`,
          type: "Movie" as const,
          name: film.title,
          ...(film.year ? { year: film.year } : {}),
          ...(film.imdb ? { providerIds: { Imdb: film.imdb } } : {}),
          path: film.targetPath,
          mediaSources: [{ path: film.targetPath }],
        })),
      },
    ],
  } as SandboxLibrary;
  const sandbox = await startSandbox({ kind: world.kind ?? "jellyfin", library, apiKey: SENTINEL_API_KEY });
  const ids = world.films.map((_, i) => sandbox.idOf(`film-${i}`));
  return {
    dir,
    sandbox,
    ids,
    migrate: (...extra) =>
      run(
        [
          "migrate",
          "--plex-db",
          plexDb,
          "--target-url",
          sandbox.url,
          "--create-users",
          "--yes",
          "--journal",
          join(dir, "run.journal"),
          "--credentials-file",
          join(dir, "credentials.txt"),
          ...(world.pathMap ?? []).flatMap((m) => ["--path-map", m]),
          ...extra,
        ],
        { cwd: dir, env: { PLEXODUS_TARGET_API_KEY: SENTINEL_API_KEY } },
      ),
    async stop() {
      await sandbox.stop();
    },
  };
}
