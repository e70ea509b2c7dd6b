import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import type { ResponseEvent } from "../http/client.js";
import { emptyRows, type Item, type Snapshot, type SourceRows, type WatchState } from "../model/index.js";
import type { Progress } from "../progress.js";
import type { PlexApiOptions } from "../readers/plex-api/index.js";
import { openPlexDatabase, type SnapshotSink, type StreamedSnapshot } from "../readers/plex-db/index.js";

/**
 * Reads the configured Plex source into the model (SEMANTICS §8):
 * - `--plex-db` only: the database (`plex-db`);
 * - `--plex-url` only: the API (`plex-api`), other accounts' state from their history;
 * - both: the database, with smart playlist and collection membership from the API (`plex-db+api`).
 * `--tautulli-url` adds Tautulli's plays for account/item pairs the Plex history lacks.
 */
export async function readSource(
  config: Config,
  progress: Progress,
  onResponse?: (event: ResponseEvent) => void,
): Promise<Snapshot> {
  const api = plexApiOptions(config, onResponse);
  if (config.plexDb === undefined && api === undefined) {
    throw new ConfigError("no Plex source given", {
      hint:
        "Give --plex-db FILE (or PLEXODUS_PLEX_DB) pointing at com.plexapp.plugins.library.db, " +
        "or --plex-url URL with --plex-token TOKEN to read through the Plex API.",
    });
  }
  let snapshot =
    config.plexDb === undefined ? await readApi(api!, progress) : await readDatabase(config, progress);
  if (config.plexDb !== undefined && api !== undefined)
    snapshot = await withSmartMembership(snapshot, api, progress);
  if (config.tautulliUrl !== undefined && config.tautulliApiKey !== undefined) {
    // The HTTP readers (and axios under them) load only when asked for: a database alone is
    // read without them (issue 14: a command loads only what it uses).
    const { addTautulliHistory, readTautulliHistory } = await import("../readers/tautulli/index.js");
    const { plays } = await readTautulliHistory(
      {
        url: config.tautulliUrl,
        apiKey: config.tautulliApiKey,
        timeoutSeconds: config.timeout,
        caFile: config.caFile,
        insecure: config.insecure,
        onResponse,
      },
      progress,
    );
    snapshot = addTautulliHistory(snapshot, plays);
  }
  return snapshot;
}

/**
 * The database alone (no API, no Tautulli) read as a stream: states and history summaries go
 * to the sink `start` returns instead of into a snapshot. undefined, reading nothing, when
 * other sources are configured: they change the snapshot after the read, so use readSource.
 */
export async function streamSource(
  config: Config,
  progress: Progress,
  start: (items: readonly Item[]) => SnapshotSink,
): Promise<StreamedSnapshot | undefined> {
  // The same conditions readSource combines sources by.
  const tautulli = config.tautulliUrl !== undefined && config.tautulliApiKey !== undefined;
  if (config.plexDb === undefined || plexApiOptions(config) !== undefined || tautulli) return undefined;
  const reader = openPlexDatabase(config.plexDb, { timeZone: config.plexTimezone });
  try {
    return await reader.stream(start, progress);
  } finally {
    reader.close();
  }
}

/**
 * The configured source for planning: a database alone is streamed, its states and history
 * going straight into tables (`rows`) and the snapshot's arrays left empty; a big library's
 * rows then never exist as millions of objects (issue 14, scale). Other sources are read
 * whole (readSource), with `rows` undefined: the planner takes the snapshot's arrays.
 */
export async function readSourceRows(
  config: Config,
  progress: Progress,
  onResponse?: (event: ResponseEvent) => void,
): Promise<{ snapshot: Snapshot; rows?: SourceRows }> {
  let rows = emptyRows();
  // States the reader dates later from the history (it sets their lastPlayedAt afterwards).
  let undated: Array<{ state: WatchState; dated(at: Date | null): void }> = [];
  const streamed = await streamSource(config, progress, () => {
    // A read redone from a copy starts over.
    rows = emptyRows();
    undated = [];
    return {
      state(state) {
        if (state.lastPlayedAt !== null) rows.states.add(state);
        else undated.push({ state, dated: rows.states.addUndated(state).dated });
      },
      history: (summary) => rows.history.add(summary),
    };
  });
  if (streamed === undefined) return { snapshot: await readSource(config, progress, onResponse) };
  for (const { state, dated } of undated) dated(state.lastPlayedAt);
  return { snapshot: { ...streamed, states: [], history: [] }, rows };
}

function plexApiOptions(
  config: Config,
  onResponse?: ((event: ResponseEvent) => void) | undefined,
): PlexApiOptions | undefined {
  if (config.plexUrl === undefined || config.plexToken === undefined) return undefined;
  return {
    url: config.plexUrl,
    token: config.plexToken,
    timeoutSeconds: config.timeout,
    concurrency: config.concurrency,
    caFile: config.caFile,
    insecure: config.insecure,
    onResponse,
  };
}

async function readDatabase(config: Config, progress: Progress): Promise<Snapshot> {
  const reader = openPlexDatabase(config.plexDb!, { timeZone: config.plexTimezone });
  try {
    return await reader.read(progress);
  } finally {
    reader.close();
  }
}

async function readApi(options: PlexApiOptions, progress: Progress): Promise<Snapshot> {
  const { openPlexApi } = await import("../readers/plex-api/index.js");
  const reader = openPlexApi(options);
  try {
    return await reader.read(progress);
  } finally {
    reader.close();
  }
}

async function withSmartMembership(
  snapshot: Snapshot,
  options: PlexApiOptions,
  progress: Progress,
): Promise<Snapshot> {
  const { addSmartMembership, openPlexApi } = await import("../readers/plex-api/index.js");
  const reader = openPlexApi(options);
  try {
    const server = await reader.check();
    const lists = await reader.readLists(
      snapshot.libraries.map((library) => library.id),
      progress,
    );
    const combined = addSmartMembership(snapshot, lists);
    return {
      ...combined,
      source: { ...combined.source, serverName: server.serverName, serverId: server.serverId },
    };
  } finally {
    reader.close();
  }
}
