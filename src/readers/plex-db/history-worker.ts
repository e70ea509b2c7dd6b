import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { SourceError } from "../../errors.js";
import { HISTORY_SQL, type HistoryCollector, type HistoryResult } from "./history.js";
import { SNAPSHOT_CACHE_SIZE } from "./open.js";

/**
 * Runs HISTORY_SQL in a worker thread on its own read-only connection to the private
 * snapshot, while the main thread reads items and states: SQLite's sort of the history rows
 * is the largest single cost of a read. The worker only queries and packs; every decision
 * (dates, warnings, skips) stays in HistoryCollector on the main thread, so both paths give
 * the same result.
 *
 * Groups travel in chunks: numbers in typed arrays (moved, not copied), the guids as one
 * string with end offsets, the rare text dates and odd rows (a value of an unexpected type,
 * passed through untouched) as sparse lists. Null numeric dates travel as NaN, which SQLite
 * never returns (it stores NaN as NULL).
 */
export interface HistoryChunk {
  size: number;
  accounts: Float64Array;
  plays: Float64Array;
  maxNumbers: Float64Array;
  unreadable: Float64Array;
  guids: string;
  guidEnds: Int32Array;
  textAt: number[];
  texts: string[];
  oddAt: number[];
  oddRows: unknown[][];
}

/** Groups per message: large enough that messaging costs nothing, small enough to stay modest. */
const CHUNK_SIZE = 65_536;

// Plain CommonJS run with `eval: true`, so it works the same from src/ (vitest) and dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlitePath);
const size = workerData.chunkSize;
let chunk;
const fresh = () => ({
  size: 0,
  accounts: new Float64Array(size),
  plays: new Float64Array(size),
  maxNumbers: new Float64Array(size),
  unreadable: new Float64Array(size),
  guidParts: [],
  guidEnds: new Int32Array(size),
  guidLength: 0,
  textAt: [],
  texts: [],
  oddAt: [],
  oddRows: [],
});
const send = () => {
  const { guidParts, guidLength, ...rest } = chunk;
  const message = { ...rest, guids: guidParts.join("") };
  parentPort.postMessage({ type: "chunk", chunk: message }, [
    rest.accounts.buffer, rest.plays.buffer, rest.maxNumbers.buffer, rest.unreadable.buffer, rest.guidEnds.buffer,
  ]);
  chunk = fresh();
};
let db;
try {
  db = new Database(workerData.dbPath, { readonly: true, fileMustExist: true });
  db.pragma("query_only = 1");
  db.pragma("cache_size = " + Number(workerData.cacheSize));
  chunk = fresh();
  for (const row of db.prepare(workerData.sql).raw().iterate()) {
    const [account, guid, plays, maxNumber, maxText, unreadable] = row;
    const i = chunk.size++;
    if (
      typeof account === "number" && typeof guid === "string" && typeof plays === "number" &&
      (maxNumber === null || typeof maxNumber === "number") &&
      (maxText === null || typeof maxText === "string") && typeof unreadable === "number"
    ) {
      chunk.accounts[i] = account;
      chunk.plays[i] = plays;
      chunk.maxNumbers[i] = maxNumber === null ? NaN : maxNumber;
      chunk.unreadable[i] = unreadable;
      chunk.guidParts.push(guid);
      chunk.guidLength += guid.length;
      if (maxText !== null) {
        chunk.textAt.push(i);
        chunk.texts.push(maxText);
      }
    } else {
      chunk.oddAt.push(i);
      chunk.oddRows.push(row);
    }
    chunk.guidEnds[i] = chunk.guidLength;
    if (chunk.size === size) send();
  }
  if (chunk.size > 0) send();
  parentPort.postMessage({ type: "done" });
} catch (error) {
  parentPort.postMessage({
    type: "error",
    code: typeof error?.code === "string" ? error.code : undefined,
    message: String(error?.message ?? error),
  });
} finally {
  db?.close();
}
`;

type WorkerMessage =
  | { type: "chunk"; chunk: HistoryChunk }
  | { type: "done" }
  | { type: "error"; code: string | undefined; message: string };

export interface HistoryWorker {
  /** Feeds every group to the collector in query order; rejects with the worker's failure. */
  collect(collector: HistoryCollector): Promise<HistoryResult>;
  /** Stops the worker (also mid-query) and waits until it has let go of the database. */
  stop(): Promise<void>;
}

export function startHistoryWorker(dbPath: string, chunkSize = CHUNK_SIZE): HistoryWorker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      betterSqlitePath: createRequire(import.meta.url).resolve("better-sqlite3"),
      dbPath,
      sql: HISTORY_SQL,
      cacheSize: SNAPSHOT_CACHE_SIZE,
      chunkSize,
    },
  });
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
