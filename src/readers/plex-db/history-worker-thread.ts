import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/**
 * The history worker's thread (started by history-worker.ts): runs the query on its own
 * read-only connection and posts the groups in packed chunks. It imports nothing of plexodus
 * but types, so it loads alone, from dist/ or, under vitest, transpiled (vitest.config.ts).
 */

export interface HistoryWorkerData {
  dbPath: string;
  /** The history query wrapped by eachRowQuery (rows.ts): it calls `rowFunction` once per group. */
  sql: string;
  rowFunction: string;
  cacheSize: number;
  chunkSize: number;
}

/**
 * Groups in one message: numbers in typed arrays (moved, not copied), the guids as one string
 * with end offsets, the rare text dates and odd rows (a value of an unexpected type, passed
 * through untouched) as sparse lists. Null numeric dates travel as NaN, which SQLite never
 * returns (it stores NaN as NULL).
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

export type WorkerMessage =
  | { type: "chunk"; chunk: HistoryChunk }
  | { type: "done" }
  | { type: "error"; code: string | undefined; message: string };

/** A chunk being filled: the guids still in parts. */
type Filling = Omit<HistoryChunk, "guids"> & { guidParts: string[]; guidLength: number };

function fresh(size: number): Filling {
  return {
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
  };
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

function send(filling: Filling): void {
  const { guidParts, guidLength: _, ...rest } = filling;
  const chunk: HistoryChunk = { ...rest, guids: guidParts.join("") };
  const buffers = [chunk.accounts, chunk.plays, chunk.maxNumbers, chunk.unreadable, chunk.guidEnds];
  post(
    { type: "chunk", chunk },
    buffers.map((array) => array.buffer as ArrayBuffer),
  );
}

/**
 * A step for the row function (accumulator first, then the group's six values) that packs
 * groups in query order into chunks, sending each when it is full; `end` sends the last one.
 */
function packer(size: number): { step: (...args: unknown[]) => void; end: () => void } {
  let filling = fresh(size);
  const step = (
    _total: unknown,
    account: unknown,
    guid: unknown,
    plays: unknown,
    maxNumber: unknown,
    maxText: unknown,
    unreadable: unknown,
  ) => {
    const i = filling.size++;
    if (
      typeof account === "number" &&
      typeof guid === "string" &&
      typeof plays === "number" &&
      (maxNumber === null || typeof maxNumber === "number") &&
      (maxText === null || typeof maxText === "string") &&
      typeof unreadable === "number"
    ) {
      filling.accounts[i] = account;
      filling.plays[i] = plays;
      filling.maxNumbers[i] = maxNumber === null ? Number.NaN : maxNumber;
      filling.unreadable[i] = unreadable;
      filling.guidParts.push(guid);
      filling.guidLength += guid.length;
      if (maxText !== null) {
        filling.textAt.push(i);
        filling.texts.push(maxText);
      }
    } else {
      filling.oddAt.push(i);
      filling.oddRows.push([account, guid, plays, maxNumber, maxText, unreadable]);
    }
    filling.guidEnds[i] = filling.guidLength;
    if (filling.size === size) {
      send(filling);
      filling = fresh(size);
    }
  };
  const end = () => {
    if (filling.size > 0) send(filling);
  };
  return { step: step as (...args: unknown[]) => void, end };
}

function run({ dbPath, sql, rowFunction, cacheSize, chunkSize }: HistoryWorkerData): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma("query_only = 1");
    db.pragma(`cache_size = ${Number(cacheSize)}`);
    const { step, end } = packer(chunkSize);
    // As eachRow (rows.ts) does it; this module may import packages only (vitest.config.ts).
    db.aggregate(rowFunction, { varargs: true, start: 0, step: step as (total: number) => void });
    db.prepare(sql).pluck().get();
    end();
    post({ type: "done" });
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    post({
      type: "error",
      code: typeof code === "string" ? code : undefined,
      message: String(message ?? error),
    });
  } finally {
    db?.close();
  }
}

run(workerData as HistoryWorkerData);
