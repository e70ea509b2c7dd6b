import {
  type HistorySummary,
  type Item,
  LEAF_KINDS,
  type Snapshot,
  type SourceInfo,
  type SourceUser,
  type WatchState,
} from "../../model/index.js";
import { type Progress, SILENT_PROGRESS } from "../../progress.js";
import { HistoryCollector } from "./history.js";
import { type HistoryReading, startHistoryReading } from "./history-worker.js";
import { readItems, readLibraries } from "./items.js";
import { readCollections, readPlaylists } from "./lists.js";
import { asSourceError, type OpenedSnapshot, openSnapshot } from "./open.js";
import { detectSchema, type SchemaInfo } from "./schema.js";
import { type GuidInfo, readStates } from "./state.js";
import { countingTicks, startingOver, stateChunkSql, sumStates } from "./state-sums.js";
import { machineTimeZone } from "./timezone.js";
import { Notes, TimeDecoder } from "./values.js";

export interface PlexDatabaseOptions {
  /** IANA zone of the Plex host, for old databases with local-time text dates. */
  timeZone?: string;
  /** Where the snapshot copy goes (default: the OS temp folder). */
  tmpDir?: string;
  /**
   * Sum the history in a worker thread while items and states are read (default true), the
   * main thread joining in when it is done with them. false sums it afterwards on the main
   * thread alone; both give the same snapshot.
   */
  historyInWorker?: boolean;
}

/**
 * Takes the states and history summaries of a streamed read one by one, in the order read()
 * lists them. A state of a leaf item without a last-viewed date reaches `state` before the
 * history is read, which may then set its `lastPlayedAt` (on the same object).
 */
export interface SnapshotSink {
  state(state: WatchState): void;
  history(summary: HistorySummary): void;
}

/** A snapshot without its states and history: what a streamed read returns. */
export type StreamedSnapshot = Omit<Snapshot, "states" | "history">;

export interface PlexDatabaseReader {
  /** Opens a consistent snapshot and checks the schema; clear SourceError otherwise. */
  check(): Promise<SourceInfo>;
  /** Reads everything into the model, then removes the snapshot. */
  read(progress?: Progress): Promise<Snapshot>;
  /**
   * Reads like read(), but hands states and history summaries to a sink instead of keeping
   * them, so a caller that only counts (inspect) never holds millions of objects. `start` gets
   * the items, which are read first, and returns the sink. When a database read in place was
   * written to meanwhile, the read starts over from a copy: `start` is called again, and only
   * the last sink's rows count.
   */
  stream(start: (items: readonly Item[]) => SnapshotSink, progress?: Progress): Promise<StreamedSnapshot>;
  /** Removes the snapshot when only check() was called. Safe to call any time. */
  close(): void;
}

export function openPlexDatabase(path: string, options: PlexDatabaseOptions = {}): PlexDatabaseReader {
  const timeZone = options.timeZone ?? machineTimeZone();
  let opened: { snapshot: OpenedSnapshot; schema: SchemaInfo } | undefined;

  const open = async (inPlace = true) => {
    if (opened) return opened;
    const snapshot = await openSnapshot(path, options.tmpDir, undefined, inPlace);
    try {
      opened = { snapshot, schema: detectSchema(snapshot.db, path) };
      return opened;
    } catch (error) {
      snapshot.close();
      throw asSourceError(error, path);
    }
  };
  const close = () => {
    opened?.snapshot.close();
    opened = undefined;
  };
  const info = (schema: SchemaInfo): SourceInfo => ({
    kind: "plex-db",
    serverName: null,
    serverId: null,
    schemaFingerprint: schema.fingerprint,
    schemaVersion: schema.version,
    readAt: new Date(),
  });

  const readOnce = async (
    inPlace: boolean,
    start: (items: readonly Item[]) => SnapshotSink,
    progress: Progress,
  ) => {
    const { snapshot, schema } = await open(inPlace);
    let read: StreamedSnapshot | undefined;
    let failure: unknown;
    try {
      read = await readSnapshot(snapshot, schema, info(schema), timeZone, start, {
        progress,
        historyInWorker: options.historyInWorker ?? true,
      });
    } catch (error) {
      failure = error;
    }
    // Read where it lies and written to meanwhile: what was read may mix two states (or fail
    // for that reason), so none of it counts. The caller reads again from a copy.
    if (snapshot.changed()) return undefined;
    if (read === undefined) throw failure;
    return read;
  };

  const stream = async (start: (items: readonly Item[]) => SnapshotSink, progress: Progress) => {
    try {
      const read = await readOnce(true, start, progress);
      if (read !== undefined) return read;
      close();
      return (await readOnce(false, start, progress))!;
    } catch (error) {
      throw asSourceError(error, path);
    } finally {
      close();
    }
  };

  return {
    async check() {
      return info((await open()).schema);
    },
    async read(progress = SILENT_PROGRESS) {
      let states: WatchState[] = [];
      let history: HistorySummary[] = [];
      // A fresh sink per start: a read that is redone from a copy starts over.
      const read = await stream(() => {
        states = [];
        history = [];
        return { state: (s) => states.push(s), history: (h) => history.push(h) };
      }, progress);
      return {
        source: read.source,
        users: read.users,
        libraries: read.libraries,
        items: read.items,
        states,
        history,
        historyEventCount: read.historyEventCount,
        playlists: read.playlists,
        collections: read.collections,
        orphanedStateCount: read.orphanedStateCount,
        warnings: read.warnings,
      };
    },
    stream: (start, progress = SILENT_PROGRESS) => stream(start, progress),
    close,
  };
}

async function readSnapshot(
  { db, path }: OpenedSnapshot,
  schema: SchemaInfo,
  source: SourceInfo,
  timeZone: string,
  start: (items: readonly Item[]) => SnapshotSink,
  { progress, historyInWorker }: { progress: Progress; historyInWorker: boolean },
): Promise<StreamedSnapshot> {
  // One worker only. Its history sums balance the main thread's items + states on two cores,
  // and the main thread takes its share of the history chunks when done with those. Running
  // the state query in a second worker was measured (2M states, 5M history, SQL sorts then):
  // 0.7–1.1 s slower wall and 1.3–1.6 s more CPU, because packing rows costs more than it
  // frees and a third thread slows the others. SQLite's own sort threads lost too.
  const history = startHistoryReading(db, path, historyInWorker, stateChunkSql(schema));
  try {
    return await readWith(db, schema, source, timeZone, start, progress, history);
  } finally {
    // Before the snapshot is removed: the worker must have let go of it (also after errors).
    await history.stop();
  }
}

async function readWith(
  db: OpenedSnapshot["db"],
  schema: SchemaInfo,
  source: SourceInfo,
  timeZone: string,
  start: (items: readonly Item[]) => SnapshotSink,
  progress: Progress,
  historyReading: HistoryReading,
): Promise<StreamedSnapshot> {
  const notes = new Notes();
  const times = new TimeDecoder(timeZone, notes);

  const libraries = readLibraries(db);
  let task = progress.task("reading Plex items");
  const { items, lists } = readItems(db, schema, libraries, times, notes, task);
  task.finish();

  const itemsByKey = new Map(items.map((item) => [item.key, item]));
  const guids = new Map<string, GuidInfo>();
  for (const item of items) {
    const known = guids.get(item.identity);
    if (!known) guids.set(item.identity, { identity: item.identity, leaf: LEAF_KINDS.has(item.kind) });
    else if (LEAF_KINDS.has(item.kind)) known.leaf = true;
  }
  const sink = start(items);

  task = progress.task("reading Plex watch state");
  const emitState = (s: WatchState) => sink.state(s);
  const counting = countingTicks(task);
  const listed = await historyReading.listStates(counting);
  const summed = listed && sumStates(db, schema, guids, notes, task, emitState, listed);
  const state =
    summed && "result" in summed
      ? summed.result
      : readStates(db, schema, guids, times, notes, startingOver(task, counting.shown), emitState);
  task.finish();
  task = progress.task("reading Plex history");
  const collector = new HistoryCollector(times, notes, task, state.undated, (h) => sink.history(h));
  const history = await historyReading.collect(collector);
  task.finish();

  const playlists = readPlaylists(db, schema, lists, itemsByKey, notes);
  const collections = readCollections(db, schema, lists, itemsByKey, notes);
  const users = readUsers(db, [
    ...state.accountIds,
    ...history.accountIds,
    ...playlists.map((p) => Number(p.ownerUserId)),
  ]);

  return {
    source: { ...source, localTimeZone: times.localTimeZone() },
    users,
    libraries,
    items,
    historyEventCount: history.eventCount,
    playlists,
    collections,
    orphanedStateCount: state.orphanedStateCount,
    warnings: notes.warnings(),
  };
}

/** Every account row with id > 0 (1 is the owner), plus `account-<id>` for ids seen only in rows. */
function readUsers(db: OpenedSnapshot["db"], referenced: readonly number[]): SourceUser[] {
  const rows = db.prepare("SELECT id, name FROM accounts WHERE id > 0 ORDER BY id").raw().all() as Array<
    [number, unknown]
  >;
  const users = new Map<number, SourceUser>();
  for (const [id, name] of rows) {
    const text = typeof name === "string" ? name.trim() : "";
    users.set(id, {
      id: String(id),
      name: text === "" ? `account-${id}` : text,
      isOwner: id === 1,
      isPlaceholder: false,
      unknownFields: [],
      inferredFields: [],
    });
  }
  for (const id of referenced) {
    if (!Number.isSafeInteger(id) || id <= 0 || users.has(id)) continue;
    users.set(id, {
      id: String(id),
      name: `account-${id}`,
      isOwner: id === 1,
      isPlaceholder: true,
      unknownFields: [],
      inferredFields: [],
    });
  }
  return [...users.values()].sort((a, b) => Number(a.id) - Number(b.id));
}
