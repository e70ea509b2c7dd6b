import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import type { ResponseEvent } from "../http/client.js";
import { mapUsers } from "../match/index.js";
import { matchItems } from "../match/items.js";
import type { MatchResult, UserMappingResult } from "../match/types.js";
import {
  retainRows,
  type Snapshot,
  type SourceRows,
  type TargetIndex,
  type TargetUserData,
} from "../model/index.js";
import { buildPlan, indexSnapshot, neededFromIndex, type Plan, type TargetState } from "../planner/index.js";
import type { Progress } from "../progress.js";
import { applyScope } from "../scope/index.js";
import type { ConnectedTarget } from "../targets/detect.js";
import { readSource, readSourceRows } from "./source.js";

export interface Prepared {
  plan: Plan;
  /** The scoped source; its `states` and `history` are empty when planned with `planOnly`. */
  snapshot: Snapshot;
  users: UserMappingResult;
  matches: MatchResult;
  index: TargetIndex;
  /** What the target held when planning (the items and lists the plan looked at): reports count it. */
  state: TargetState;
  /** Counts of what scope left out (numbers only). */
  excluded: { users: number; libraries: number; items: number };
}

export interface PrepareOptions {
  /** `--log`: each request of the source read once it ended. */
  onResponse?: (event: ResponseEvent) => void;
  /**
   * Nothing after the plan looks at the source's states and history (no report): a database
   * source may then be streamed into tables, and the Prepared snapshot's `states` and
   * `history` are left empty (pipeline/source.ts readSourceRows).
   */
  planOnly?: boolean;
  /** User-data actions from this many on are kept as columns (planner/packed.ts); tests: 0. */
  packFrom?: number;
}

/**
 * Source → scope → target index → users and items matched → target state read → plan.
 * Reads only; the plan it returns is the dry run. `source`, when given, is the Plex source
 * already read (a rehearsal plans several times from one read).
 */
export async function preparePlan(
  config: Config,
  target: ConnectedTarget,
  progress: Progress,
  now: Date = new Date(),
  source?: Snapshot,
  options: PrepareOptions = {},
): Promise<Prepared> {
  const read = await readFor(config, progress, source, options);
  checkLibraryMapSources(config, read.snapshot);
  const { snapshot, excluded, keepRow } = applyScope(read.snapshot, config);
  if (read.rows) retainRows(read.rows, keepRow);
  const index = await target.index(progress);
  const targetUsers = await target.listUsers();
  const users = mapUsers(snapshot.users, targetUsers, {
    userMap: config.userMap,
    createUsers: config.createUsers,
    nameRule: target.userNames,
  });
  const matches = matchItems(
    {
      items: snapshot.items,
      libraries: snapshot.libraries,
      target: index,
      pathMap: config.pathMap,
      libraryMap: config.libraryMap,
    },
    progress,
  );
  // Built once for reading the target state and planning, and dropped with the planning.
  const sourceIndex = indexSnapshot(snapshot, matches, read.rows);
  const needed = neededFromIndex(snapshot, sourceIndex, users, config.mode);
  const state = await readTargetState(target, needed, users, config, progress);
  state.users = targetUsers;
  const plan = buildPlan({
    snapshot,
    users,
    matches,
    server: target.info,
    state,
    options: { mode: config.mode, kinds: config.kinds, favoriteMinRating: config.favoriteMinRating },
    now,
    target: index,
    index: sourceIndex,
    needed,
    ...(options.packFrom !== undefined ? { packFrom: options.packFrom } : {}),
  });
  return { plan, snapshot, users, matches, index, state, excluded };
}

async function readFor(
  config: Config,
  progress: Progress,
  source: Snapshot | undefined,
  options: PrepareOptions,
): Promise<{ snapshot: Snapshot; rows?: SourceRows | undefined }> {
  if (source) return { snapshot: source };
  if (options.planOnly) return readSourceRows(config, progress, options.onResponse);
  return { snapshot: await readSource(config, progress, options.onResponse) };
}

async function readTargetState(
  target: ConnectedTarget,
  /** Per source user, the target items the planner will look at (neededFromIndex). */
  needed: ReadonlyMap<string, ReadonlySet<string>>,
  users: UserMappingResult,
  config: Config,
  progress: Progress,
): Promise<TargetState> {
  const targetIdOf = new Map(users.mapped.map((m) => [m.sourceUserId, m.targetUserId]));
  const userData = new Map<string, Map<string, TargetUserData>>();
  const playlists: TargetState["playlists"] = new Map();
  for (const [sourceUserId, itemIds] of needed) {
    const targetUserId = targetIdOf.get(sourceUserId);
    // A user still to be created has no data yet: the planner treats it as empty.
    if (!targetUserId || itemIds.size === 0) continue;
    userData.set(targetUserId, await target.readUserData(targetUserId, [...itemIds], progress));
  }
  // Without private playlists (Emby 4.7) the planner migrates none and reports why; the
  // target cannot even list a user's own playlists, so do not ask.
  if (config.kinds.has("playlists") && target.info.features.privatePlaylists) {
    for (const mapping of users.mapped) {
      if (mapping.targetUserId && !playlists.has(mapping.targetUserId)) {
        playlists.set(mapping.targetUserId, await target.listPlaylists(mapping.targetUserId));
      }
    }
  }
  const collections = config.kinds.has("collections") ? await target.listCollections() : [];
  return { users: [], userData, playlists, collections };
}

/**
 * A --library-map naming no Plex library at all is a typo that would silently widen matching;
 * names of excluded libraries are accepted (they are the user's own words, and scope drops them).
 */
function checkLibraryMapSources(config: Config, snapshot: Snapshot): void {
  const names = new Set(snapshot.libraries.map((library) => library.name.trim().toLowerCase()));
  for (const mapping of config.libraryMap) {
    if (!names.has(mapping.from.trim().toLowerCase())) {
      throw new ConfigError(
        `--library-map ${mapping.from}=${mapping.to}: the Plex source has no library "${mapping.from}"`,
        {
          hint: "Check the name with `plexodus inspect`; names compare case-insensitively.",
        },
      );
    }
  }
}
