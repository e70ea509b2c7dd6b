import type { Config } from "../config/load.js";
import { ConfigError, PlexodusError } from "../errors.js";
import type { RequestEvent } from "../http/client.js";
import { Scopes } from "../match/scope.js";
import { nameKey, type TargetServerInfo, type TargetUserData } from "../model/index.js";
import type { Progress } from "../progress.js";
import {
  closestVersion,
  type SandboxLibrary,
  snapshotLibrary,
  type TargetSnapshot,
} from "../sandbox/index.js";
import type { ConnectedTarget } from "../targets/detect.js";
import type { Interaction } from "./interaction.js";
import { writePrivateFile } from "./plan-file.js";
import { type Prepared, preparePlan } from "./prepare.js";
import { connectConfiguredTarget } from "./target.js";

/**
 * Counts what a read-only run sends to the real target, and stops any request that is not a
 * read before it leaves: `rehearse` and `sandbox --snapshot-from` promise not to write.
 */
export class ReadOnlyGuard {
  /** Requests sent (all GET). */
  reads = 0;

  readonly onRequest = (event: RequestEvent): void => {
    if (event.method !== "GET") {
      throw new PlexodusError(
        "bug",
        `plexodus was about to send ${event.method} ${event.path} to the real target during a read-only run; it was not sent`,
      );
    }
    this.reads += 1;
  };
}

/** Connects to the configured (real) target with every request going through `guard`. */
export function connectReadOnly(
  config: Config,
  interaction: Interaction,
  guard: ReadOnlyGuard,
): Promise<ConnectedTarget> {
  return connectConfiguredTarget(config, interaction, guard.onRequest);
}

/** What a snapshot holds, in numbers, for the person to check before using it. */
export interface SnapshotCounts {
  users: number;
  libraries: number;
  items: number;
  /** Items holding some user data of an included user. */
  itemsWithUserData: number;
  playlists: number;
  collections: number;
  /** Playlist entries and collection members outside the included libraries (ids only). */
  outsideItems: number;
}

export function snapshotCounts(library: SandboxLibrary): SnapshotCounts {
  let items = 0;
  let itemsWithUserData = 0;
  const visit = (list: readonly { userData?: object | undefined; children?: unknown[] | undefined }[]) => {
    for (const item of list) {
      items += 1;
      if (item.userData && Object.keys(item.userData).length > 0) itemsWithUserData += 1;
      if (item.children) visit(item.children as typeof list);
    }
  };
  for (const section of library.libraries) visit(section.items ?? []);
  return {
    users: library.users.length,
    libraries: library.libraries.length,
    items,
    itemsWithUserData,
    playlists: library.playlists?.length ?? 0,
    collections: library.collections?.length ?? 0,
    outsideItems: library.otherItems?.length ?? 0,
  };
}

/**
 * The part of the real target a rehearsal needs, from what planning against it read:
 * - users: the target users the selected Plex accounts map to (nobody else);
 * - libraries: every target library the selected Plex libraries may find items in (their
 *   `--library-map` targets, else all of a compatible kind), with all their items, so
 *   matching sees the same candidates, ambiguities included;
 * - user data: what the plan read (each mapped user's data of the items it touches);
 * - playlists: those the mapped users own; collections: those titled like a selected Plex
 *   collection (the only ones a migration can touch).
 */
export function rehearsalSnapshot(
  prepared: Prepared,
  config: Config,
  info: TargetServerInfo,
): TargetSnapshot {
  const { index, state, snapshot } = prepared;
  const mapped = new Set(prepared.users.mapped.flatMap((m) => (m.targetUserId ? [m.targetUserId] : [])));
  const scopes = new Scopes(snapshot.libraries, index.libraries, config.libraryMap);
  const libraryIds = new Set<string>();
  for (const library of snapshot.libraries) {
    for (const id of scopes.forItem(library.id, "movie").libraryIds) libraryIds.add(id);
  }
  const titles = new Set(snapshot.collections.map((collection) => collection.title));
  return {
    server: { kind: info.kind, version: info.version, serverName: info.serverName },
    users: state.users.filter((user) => mapped.has(user.id)),
    libraries: index.libraries.filter((library) => libraryIds.has(library.id)),
    items: index.items.filter((item) => item.libraryId !== null && libraryIds.has(item.libraryId)),
    userData: state.userData,
    playlists: [...state.playlists.values()].flat(),
    collections: state.collections.filter((collection) => titles.has(collection.title)),
  };
}

/**
 * A snapshot chosen on the target alone (no Plex source given): `--users`/`--exclude-users`
 * name target users, `--libraries`/`--exclude-libraries` target libraries (default all).
 * It holds those users' data of every item of those libraries, the playlists they own and
 * the collections with a member in those libraries.
 */
export async function targetSnapshot(
  target: ConnectedTarget,
  config: Config,
  progress: Progress,
): Promise<TargetSnapshot> {
  const index = await target.index(progress);
  const libraries = selectByName(
    index.libraries,
    config.libraries,
    config.excludeLibraries,
    "--libraries",
    "--exclude-libraries",
    "target library",
  );
  const users = selectByName(
    await target.listUsers(),
    config.users,
    config.excludeUsers,
    "--users",
    "--exclude-users",
    "target user",
  );
  const libraryIds = new Set(libraries.map((library) => library.id));
  const items = index.items.filter((item) => item.libraryId !== null && libraryIds.has(item.libraryId));
  const itemIds = items.map((item) => item.id);
  const userData = new Map<string, Map<string, TargetUserData>>();
  const kinds = config.kinds;
  if (kinds.has("watched") || kinds.has("progress") || kinds.has("ratings")) {
    for (const user of users) {
      const data = await target.readUserData(user.id, itemIds, progress);
      // Only what differs from the empty state is kept: the rest costs memory and says nothing.
      for (const [id, value] of data) if (isEmpty(value)) data.delete(id);
      userData.set(user.id, data);
    }
  }
  const playlists = [];
  if (kinds.has("playlists") && target.info.features.privatePlaylists) {
    for (const user of users) playlists.push(...(await target.listPlaylists(user.id)));
  }
  const included = new Set(itemIds);
  const collections = kinds.has("collections")
    ? (await target.listCollections()).filter((c) => c.memberIds.some((id) => included.has(id)))
    : [];
  const info = target.info;
  return {
    server: { kind: info.kind, version: info.version, serverName: info.serverName },
    users,
    libraries,
    items,
    userData,
    playlists,
    collections,
  };
}

function isEmpty(data: TargetUserData): boolean {
  return (
    !data.played &&
    data.playCount === 0 &&
    data.lastPlayedAt === null &&
    data.positionMs === 0 &&
    data.rating === null &&
    !data.isFavorite
  );
}

/** Include/exclude by name (case-insensitive); a name the target does not have is a mistake. */
function selectByName<T extends { name: string }>(
  all: readonly T[],
  include: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
  includeFlag: string,
  excludeFlag: string,
  noun: string,
): T[] {
  const known = new Set(all.map((entry) => nameKey(entry.name)));
  for (const [flag, names] of [
    [includeFlag, include],
    [excludeFlag, exclude],
  ] as const) {
    const unknown = (names ?? []).filter((name) => !known.has(nameKey(name)));
    if (unknown.length > 0) {
      throw new ConfigError(
        `${flag} names no ${noun} of the target: ${unknown.map((n) => JSON.stringify(n)).join(", ")}`,
        {
          hint: `Without a Plex source, ${includeFlag} and ${excludeFlag} name the target's own; it has: ${all.map((e) => e.name).join(", ") || "(none)"}.`,
        },
      );
    }
  }
  const wanted = include ? new Set(include.map(nameKey)) : null;
  const unwanted = new Set((exclude ?? []).map(nameKey));
  return all.filter((entry) => {
    const key = nameKey(entry.name);
    return (wanted === null || wanted.has(key)) && !unwanted.has(key);
  });
}

export interface SnapshotWritten {
  path: string;
  target: TargetServerInfo;
  /** The sandbox version that behaves like the target (`sandbox --version`). */
  sandboxVersion: string;
  /** Requests sent to the target, every one a read (GET). */
  reads: number;
  /** Whether the Plex source chose what is in it (the rehearsal's snapshot) or the target alone. */
  chosenBy: "source" | "target";
  counts: SnapshotCounts;
}

/**
 * `sandbox --snapshot-from URL --out FILE`: reads the target read-only and writes what it read
 * as a sandbox library file. With a Plex source configured, the file is exactly what
 * `rehearse` would load; without, the scope options name the target's users and libraries.
 */
export async function writeTargetSnapshot(
  config: Config,
  interaction: Interaction,
  outFile: string,
): Promise<SnapshotWritten> {
  const guard = new ReadOnlyGuard();
  const progress = interaction.progress();
  const target = await connectReadOnly(config, interaction, guard);
  let snapshot: TargetSnapshot;
  const chosenBy = config.plexDb !== undefined || config.plexUrl !== undefined ? "source" : "target";
  try {
    snapshot =
      chosenBy === "source"
        ? rehearsalSnapshot(await preparePlan(config, target, progress), config, target.info)
        : await targetSnapshot(target, config, progress);
  } finally {
    progress.stop();
    target.close();
  }
  const library = snapshotLibrary(snapshot);
  writePrivateFile(outFile, `${JSON.stringify(library, null, 2)}\n`, "the snapshot");
  return {
    path: outFile,
    target: target.info,
    sandboxVersion: closestVersion(snapshot.server.kind, snapshot.server.version),
    reads: guard.reads,
    chosenBy,
    counts: snapshotCounts(library),
  };
}
