import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { SourceError } from "../../errors.js";
import type { ProgressTask } from "../../progress.js";
import { HISTORY_SQL, type HistoryCollector, type HistoryResult, readHistory } from "./history.js";
import {
  BucketRows,
  type BucketRowsData,
  eachPair,
  GUID_COUNT,
  type HistorySums,
  type HistoryWorkerData,
  NEXT_CHUNK,
  NUMBERED,
  ODD_FLAG,
  type SharedTable,
  shareHistory,
  shareTable,
  sumChunks,
  sumHistory,
  type WorkerMessage,
} from "./history-sums.js";
import { SNAPSHOT_CACHE_SIZE } from "./open.js";
import { type ListedStates, listStatesHere, SETTINGS } from "./state-sums.js";

/**
 * Reads the history: summed per (guid, account) without a sort (history-sums.ts) by a worker
 * thread while the main thread reads items and states, the main thread claiming chunks of the
 * rows too once it is done with those; or, when a row needs it, grouped by SQL (HISTORY_SQL).
 * The threads only sum; every decision (dates, warnings, skips) stays in HistoryCollector on
 * the main thread, which takes the groups in HISTORY_SQL's order either way. The same worker
 * numbers the states' guids first and lists the states' chunks the main thread has not reached
 * (listStates()); their combining and every decision about them stay on the main thread too.
 */
export interface HistoryReading {
  /** Feeds every group to the collector in HISTORY_SQL's order; rejects with the worker's failure. */
  collect(collector: HistoryCollector): Promise<HistoryResult>;
  /**
   * The states' rows listed for sumStates(): numbered by the worker while the main thread reads
   * items, then listed in chunks by both threads (or all on this thread without a worker).
   * Undefined when only readStates() can combine them (no guid index, an odd row).
   */
  listStates(task: ProgressTask): Promise<ListedStates | undefined>;
  /** Stops the worker (also mid-query) and waits until it has let go of the database. */
  stop(): Promise<void>;
}

/**
 * Starts reading the history of `db` (whose file `dbPath` names): in a worker if `inWorker`,
 * otherwise all on the main thread when collect() is called.
 */
export function startHistoryReading(
  db: Database.Database,
  dbPath: string,
  inWorker: boolean,
  /** stateChunkSql() of the database. */
  stateSql: string,
): HistoryReading {
  const shared = shareHistory(db);
  const states = shareTable(db, SETTINGS);
  if (!inWorker) {
    return {
      async collect(collector) {
        const sums = shared && sumHistory(db, shared);
        if (!sums) return readHistory(db, collector);
        feedSums(sums, collector);
        return collector.result;
      },
      listStates: async (task) => states && listStatesHere(db, states, stateSql, task),
      async stop() {},
    };
  }
  const worker = startWorker(dbPath, shared, states, stateSql);
  return {
    async collect(collector) {
      const own = shared && joinIn(db, shared);
      const answer = await worker.answer;
      if (answer.groups) {
        for (const group of answer.groups)
          collector.add(group[0], group[1], group[2], group[3], group[4], group[5]);
        return collector.result;
      }
      // The worker ran out of chunks before this thread found an odd row.
      if (!answer.sums || Atomics.load(shared!.control, ODD_FLAG) !== 0) return readHistory(db, collector);
      const { guids, parts } = answer.sums;
      feedSums({ guids, parts: own ? [...parts, own.data()] : parts }, collector);
      return collector.result;
    },
    async listStates(task) {
      if (!states) return undefined;
      const own = listStatesHere(db, states, stateSql, task, await worker.stateGuids);
      if (own === undefined) return undefined;
      // The worker claimed the chunks this thread did not run.
      if (own.ran === states.chunks) return own;
      const theirs = await worker.stateRows;
      if (theirs === undefined) return undefined;
      task.tick(theirs.seen);
      return { guids: own.guids, parts: [...own.parts, theirs] };
    },
    async stop() {
      // A worker still listing or summing must not claim more chunks.
      for (const table of [shared, states]) if (table) Atomics.store(table.control, NEXT_CHUNK, table.chunks);
      await worker.stop();
    },
  };
}

/** The main thread's share of the chunks, once the worker has numbered the guids. */
function joinIn(db: Database.Database, shared: SharedTable): BucketRows | undefined {
  if (Atomics.load(shared.control, NUMBERED) === 0 || Atomics.load(shared.control, ODD_FLAG) !== 0)
    return undefined;
  const rows = new BucketRows(Atomics.load(shared.control, GUID_COUNT), 1);
  sumChunks(db, rows, shared);
  return rows;
}

/** The sums as HistoryCollector takes HISTORY_SQL's groups: by guid in SQLite's order, then account. */
export function feedSums(sums: HistorySums, collector: HistoryCollector): void {
  // Skipped rows make one warning and count as plays, whichever groups they came in.
  const skipped = sums.parts.reduce((total, part) => total + part.skippedRows, 0);
  if (skipped > 0) collector.add(null, null, skipped, null, null, 0);
  const { guids } = sums;
  eachPair(guids.length, sums.parts, (account, guid, plays, latest) => {
    collector.add(account, guids[guid], plays, latest, null, 0);
  });
}

interface WorkerAnswer {
  sums?: HistorySums;
  groups?: unknown[][];
}

function startWorker(
  dbPath: string,
  shared: SharedTable | undefined,
  states: SharedTable | undefined,
  stateSql: string,
): {
  answer: Promise<WorkerAnswer>;
  stateGuids: Promise<unknown[]>;
  stateRows: Promise<BucketRowsData | undefined>;
  stop: () => Promise<void>;
} {
  const workerData: HistoryWorkerData = {
    plexodusHistorySums: true,
    dbPath,
    cacheSize: SNAPSHOT_CACHE_SIZE,
    shared,
    states,
    stateSql,
    groupSql: HISTORY_SQL,
  };
  const worker = new Worker(new URL("./history-sums.js", import.meta.url), { workerData });
  let stopped = false;
  const groups: unknown[][] = [];
  let numbered: (guids: unknown[]) => void = () => {};
  const stateGuids = new Promise<unknown[]>((resolve) => {
    numbered = resolve;
  });
  let listed: (rows: BucketRowsData | undefined) => void = () => {};
  const stateRows = new Promise<BucketRowsData | undefined>((resolve) => {
    listed = resolve;
  });
  const answer = new Promise<WorkerAnswer>((resolve, reject) => {
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "numbered") numbered(message.guids);
      else if (message.type === "states") listed(message.rows);
      else if (message.type === "sums") resolve({ sums: message.sums });
      else if (message.type === "groups") for (const group of message.groups) groups.push(group);
      else if (message.type === "done") resolve({ groups });
      else reject(workerFailure(message.code, message.message));
    });
    worker.on("error", reject);
    // Settles the promise whatever happens: a worker that dies without a word never leaves a hang.
    worker.on("exit", (code) => {
      reject(
        new SourceError(`reading Plex history stopped early: its worker thread exited with code ${code}`, {
          hint: stopped
            ? undefined
            : "Try again; if it keeps happening, report it with the output of --verbose.",
        }),
      );
    });
  });
  // A worker that fails before numbering or listing the states rejects these too (it posts
  // both before its answer).
  const guidsOrFailure = Promise.race([stateGuids, answer.then(() => stateGuids)]);
  const rowsOrFailure = Promise.race([stateRows, answer.then(() => stateRows)]);
  // The reader may fail before it asks for any; that must not be an unhandled rejection.
  for (const promise of [answer, guidsOrFailure, rowsOrFailure]) promise.catch(() => {});
  return {
    answer,
    stateGuids: guidsOrFailure,
    stateRows: rowsOrFailure,
    async stop() {
      stopped = true;
      await worker.terminate();
    },
  };
}

/** The worker's error as the main thread would have thrown it, so asSourceError words it the same. */
function workerFailure(code: string | undefined, message: string): Error {
  if (code?.startsWith("SQLITE_")) return new Database.SqliteError(message, code);
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}
