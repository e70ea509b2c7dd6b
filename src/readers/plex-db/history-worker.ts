import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { SourceError } from "../../errors.js";
import { HISTORY_COLUMNS, HISTORY_SQL, type HistoryCollector, type HistoryResult } from "./history.js";
import type { HistoryChunk, HistoryWorkerData, WorkerMessage } from "./history-worker-thread.js";
import { SNAPSHOT_CACHE_SIZE } from "./open.js";
import { EACH_ROW_FUNCTION, eachRowQuery } from "./rows.js";

/**
 * Runs HISTORY_SQL in a worker thread (history-worker-thread.ts) on its own read-only
 * connection to the private snapshot, while the main thread reads items and states: SQLite's
 * sort of the history rows is the largest single cost of a read. The worker only queries and
 * packs; every decision (dates, warnings, skips) stays in HistoryCollector on the main thread,
 * so both paths give the same result.
 */

/** Groups per message: large enough that messaging costs nothing, small enough to stay modest. */
const CHUNK_SIZE = 65_536;

export interface HistoryWorker {
  /** Feeds every group to the collector in query order; rejects with the worker's failure. */
  collect(collector: HistoryCollector): Promise<HistoryResult>;
  /** Stops the worker (also mid-query) and waits until it has let go of the database. */
  stop(): Promise<void>;
}

export function startHistoryWorker(dbPath: string, chunkSize = CHUNK_SIZE): HistoryWorker {
  const workerData: HistoryWorkerData = {
    dbPath,
    sql: eachRowQuery(HISTORY_SQL, HISTORY_COLUMNS),
    rowFunction: EACH_ROW_FUNCTION,
    cacheSize: SNAPSHOT_CACHE_SIZE,
    chunkSize,
  };
  const worker = new Worker(new URL("./history-worker-thread.js", import.meta.url), { workerData });
  const chunks: HistoryChunk[] = [];
  let stopped = false;
  const finished = new Promise<void>((resolve, reject) => {
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "chunk") chunks.push(message.chunk);
      else if (message.type === "done") resolve();
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
  // The reader may fail before it asks for the result; that must not be an unhandled rejection.
  finished.catch(() => {});
  return {
    async collect(collector) {
      await finished;
      // Oldest first, released as fed, so packed groups and summaries do not pile up together.
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) feedChunk(chunk, collector);
      return collector.result;
    },
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

export function feedChunk(chunk: HistoryChunk, collector: HistoryCollector): void {
  let text = 0;
  let odd = 0;
  let start = 0;
  for (let i = 0; i < chunk.size; i++) {
    const end = chunk.guidEnds[i]!;
    if (chunk.oddAt[odd] === i) {
      const [account, guid, plays, maxNumber, maxText, unreadable] = chunk.oddRows[odd++]!;
      collector.add(account, guid, plays, maxNumber, maxText, unreadable);
    } else {
      const maxText = chunk.textAt[text] === i ? chunk.texts[text++]! : null;
      const maxNumber = chunk.maxNumbers[i]!;
      collector.add(
        chunk.accounts[i],
        chunk.guids.slice(start, end),
        chunk.plays[i],
        Number.isNaN(maxNumber) ? null : maxNumber,
        maxText,
        chunk.unreadable[i],
      );
    }
    start = end;
  }
}
