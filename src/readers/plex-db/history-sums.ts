import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/**
 * History rows summed per (guid, account) without SQLite's sorter, in two scans: Plex's index
 * on guid numbers the guids in SQLite's own order (numberGuids), then the table is read in
 * rowid order and each row listed under its bucket of guid numbers (BucketRows), and finally
 * each bucket's rows are combined per pair (eachPair), in guid order. On 1M rows:
 * SQLite's GROUP BY guid, account_id ~2.1 s of CPU, these two scans ~1.2 s (load 10). A hash
 * table keyed by each row's guid text was no faster than the sort: each row's fresh text must
 * be hashed and compared.
 *
 * It sums only rows whose result it can give exactly as HISTORY_SQL + HistoryCollector
 * would: a positive whole-number account and a numeric date, or a row the collector skips
 * anyway (no valid account or guid: counted). Anything else (the text dates of old databases,
 * unreadable or missing dates, a text or fractional account), or a database without the guid
 * index, makes it give up (`OddRow`), and the caller groups with SQL: the same result, slower.
 *
 * This module is also the history worker's thread (started by history-worker.ts, the code at
 * the end), so it imports packages and types only: it loads alone, from dist/ or, under
 * vitest, transpiled (test/helpers/worker-entries.ts).
 */

/** Thrown when a row needs SQL's grouping; ends the query it is thrown in. */
export class OddRow extends Error {
  constructor(why: string) {
    super(`summing rows in rowid order cannot take this table exactly: ${why}`);
  }
}

/** A row whose guid is not a non-empty text: the readers skip it. */
export const SKIPPED_GUID = -2;
/** No row (never numbered). */
export const NO_ROW = -1;

/** Largest number of (account × guid) cells, and of rowids, the arrays may hold: 256 MiB each. */
const MAX_CELLS = 2 ** 26;

/** Each row's guid as a number, guids numbered in SQLite's ORDER BY guid order. */
export interface GuidNumbers {
  /** The guid of each number: text, or whatever else the column held (then SKIPPED_GUID rows). */
  guids: unknown[];
  /** Lowest rowid: `rowGuids[rowid - low]` is the row's guid number, or SKIPPED_GUID. */
  low: number;
  rowGuids: Int32Array;
}

/** `[lowest, highest]` rowid of `table`, null when empty; throws OddRow when out of range. */
export function rowidRange(db: Database.Database, table: string): [number, number] | null {
  // Two queries: each is one b-tree descent, where min() and max() in one query scan the table.
  const low = db.prepare(`SELECT min(rowid) FROM ${table}`).pluck().get() as number | null;
  const high = db.prepare(`SELECT max(rowid) FROM ${table}`).pluck().get() as number | null;
  if (low === null || high === null) return null;
  // Rowids are parsed from text in numberGuids(): no sign, and exact as numbers.
  if (low < 0 || high > Number.MAX_SAFE_INTEGER) throw new OddRow(`${table} has rowids out of range`);
  if (high - low + 1 > MAX_CELLS) throw new OddRow(`${table}'s rowids are spread too far`);
  return [low, high];
}

/** What numberGuids() needs to number `table` in another thread, or undefined when it cannot. */
export interface TableToNumber {
  table: string;
  index: string;
  low: number;
  /** In a SharedArrayBuffer: filled by the thread that numbers. */
  rowGuids: Int32Array;
}

export function tableToNumber(db: Database.Database, table: string): TableToNumber | undefined {
  try {
    const index = guidIndex(db, table);
    const range = rowidRange(db, table);
    if (index === undefined || range === null) return undefined;
    const rowGuids = new Int32Array(new SharedArrayBuffer(4 * (range[1] - range[0] + 1)));
    return { table, index, low: range[0], rowGuids };
  } catch (error) {
    if (error instanceof OddRow) return undefined;
    throw error;
  }
}

/** numberGuids() of a whole table on this thread; throws OddRow without a guid index. */
export function numberTable(db: Database.Database, table: string): GuidNumbers {
  const index = guidIndex(db, table);
  if (index === undefined) throw new OddRow(`${table} has no index on guid`);
  const range = rowidRange(db, table);
  if (range === null) return { guids: [], low: 0, rowGuids: new Int32Array(0) };
  const rowGuids = new Int32Array(range[1] - range[0] + 1);
  return { guids: numberGuids(db, table, index, range[0], rowGuids), low: range[0], rowGuids };
}

/**
 * Numbers the guids of `table` from its index on guid (one pass over the index in its order,
 * rowids handed over per guid as text), writing each row's number into `rowGuids[rowid - low]`
 * (NO_ROW where there is no row). Returns the guid of each number.
 */
export function numberGuids(
  db: Database.Database,
  table: string,
  index: string,
  low: number,
  rowGuids: Int32Array,
): unknown[] {
  rowGuids.fill(NO_ROW);
  const guids: unknown[] = [];
  const step = (_total: unknown, guid: unknown, rowids: unknown) => {
    const number = typeof guid === "string" && guid !== "" ? guids.length : SKIPPED_GUID;
    guids.push(guid);
    // "12,13,20": digits and commas only (rowidRange() checked).
    const text = rowids as string;
    let rowid = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 44) {
        rowGuids[rowid - low] = number;
        rowid = 0;
      } else rowid = rowid * 10 + code - 48;
    }
    rowGuids[rowid - low] = number;
  };
  db.aggregate(NUMBER_FUNCTION, { varargs: true, start: 0, step: step as (total: number) => void });
  db.prepare(
    `SELECT ${NUMBER_FUNCTION}(guid, ids) FROM
       (SELECT guid, group_concat(rowid) AS ids FROM ${table} INDEXED BY "${index}" GROUP BY guid)`,
  )
    .pluck()
    .get();
  return guids;
}

const NUMBER_FUNCTION = "plexodus_number_guids";

/** An index of `table` whose first column is guid in BINARY order (Plex's `…_on_guid`). */
export function guidIndex(db: Database.Database, table: string): string | undefined {
  const indexes = db.prepare("SELECT name, partial FROM pragma_index_list(?)").raw().all(table) as Array<
    [string, number]
  >;
  for (const [name, partial] of indexes) {
    if (partial) continue;
    const first = db
      .prepare("SELECT name, coll, desc FROM pragma_index_xinfo(?) WHERE seqno = 0")
      .raw()
      .get(name) as [unknown, unknown, unknown] | undefined;
    if (first && first[0] === "guid" && first[1] === "BINARY" && first[2] === 0) return name;
  }
  return undefined;
}

/**
 * Whether the readers skip a row for its account: what values.ts `int()` makes of it is null
 * or not positive. (Repeated here: this module may import nothing of plexodus.) Other
 * accounts that are not positive safe integers are odd.
 */
export function accountKind(account: unknown): "valid" | "skipped" | "odd" {
  if (typeof account === "number" && account > 0 && Number.isSafeInteger(account)) return "valid";
  let id: number | null = null;
  if (typeof account === "number") id = Number.isInteger(account) ? account : Math.trunc(account);
  else if (typeof account === "bigint") id = Number(account);
  else if (typeof account === "string" && /^-?\d+$/.test(account.trim())) id = Number(account);
  return id === null || id <= 0 ? "skipped" : "odd";
}

/** Guid numbers per bucket (a power of two): one bucket's pairs fit in the cache while its rows are combined. */
export const BUCKET_BITS = 10;
export const BUCKET_GUIDS = 1 << BUCKET_BITS;
/** Rows per block of a bucket's list. */
export const BLOCK_ROWS = 4096;
/** Accounts one thread may number: the slot must fit beside the guid in a key. */
const MAX_SLOTS = 1 << (31 - BUCKET_BITS);
/** Largest accounts × guid numbers of one bucket (per thread): bounds the arrays a bucket is combined in. */
const MAX_BUCKET_CELLS = 2 ** 21;

/**
 * One thread's rows of a table, listed per bucket of guid numbers: each row as a key (its
 * guid's place in the bucket and its account's slot) and `fields` numbers. The rows arrive in
 * rowid order, that is in no order of guid; adding each to its (account, guid) pair at once
 * costs a cache miss per row (history: the cells of 200,000 guids × 50 accounts are 160 MB,
 * ~1.5 s of 5M rows' 5 s; states: 2M rows 3.5 → 2.2 s of CPU for the scan, load 9). Appending
 * to one of a few hundred lists is sequential, and the rows are then combined one bucket at a
 * time (eachPair(), state-sums.ts), in guid order.
 */
export class BucketRows {
  /** The account of each slot, in the order first seen. */
  readonly accounts: number[] = [];
  /** Per bucket, its blocks of keys (`place | slot << BUCKET_BITS`) and of values (`fields` per row). */
  readonly keys: Int32Array[][];
  readonly values: Float64Array[][];
  /** Per bucket, the rows in its last block. */
  readonly fill: Int32Array;
  /** Rows the readers skip (no valid account or guid): only counted. */
  skippedRows = 0;
  /** The block add() listed the last row in: its values go from the position add() returned. */
  block: Float64Array = new Float64Array(0);
  private readonly slots = new Map<number, number>();

  constructor(
    readonly guidCount: number,
    readonly fields: number,
  ) {
    const buckets = Math.ceil(guidCount / BUCKET_GUIDS);
    this.keys = Array.from({ length: buckets }, () => []);
    this.values = Array.from({ length: buckets }, () => []);
    this.fill = new Int32Array(buckets).fill(BLOCK_ROWS);
  }

  /** Lists a row; its values go to `block` from the position returned. */
  add(guid: number, account: number): number {
    let slot = this.slots.get(account);
    if (slot === undefined) slot = this.newSlot(account);
    const bucket = guid >>> BUCKET_BITS;
    const keys = this.keys[bucket]!;
    const values = this.values[bucket]!;
    let at = this.fill[bucket]!;
    if (at === BLOCK_ROWS) {
      keys.push(new Int32Array(BLOCK_ROWS));
      values.push(new Float64Array(BLOCK_ROWS * this.fields));
      at = 0;
    }
    keys[keys.length - 1]![at] = (guid & (BUCKET_GUIDS - 1)) | (slot << BUCKET_BITS);
    this.block = values[values.length - 1]!;
    this.fill[bucket] = at + 1;
    return at * this.fields;
  }

  private newSlot(account: number): number {
    const slot = this.accounts.length;
    // The pairs are found by walking guids × accounts, each bucket in arrays of its guids × accounts.
    const bucketGuids = Math.min(this.guidCount, BUCKET_GUIDS);
    if (
      slot === MAX_SLOTS ||
      (slot + 1) * this.guidCount > MAX_CELLS ||
      (slot + 1) * bucketGuids > MAX_BUCKET_CELLS
    )
      throw new OddRow("too many accounts × guids");
    this.accounts.push(account);
    this.slots.set(account, slot);
    return slot;
  }

  /** What a worker posts; the blocks' buffers can be transferred (rowBuffers()). */
  data(): BucketRowsData {
    const { accounts, keys, values, fill, skippedRows, fields } = this;
    return { accounts, keys, values, fill, skippedRows, fields };
  }
}

/** BucketRows as plain data, as it crosses threads. */
export type BucketRowsData = Pick<
  BucketRows,
  "accounts" | "keys" | "values" | "fill" | "skippedRows" | "fields"
>;

/** The buffers of `rows`' blocks, to transfer rather than copy. */
export function rowBuffers(rows: BucketRowsData): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const list of [rows.keys, rows.values])
    for (const blocks of list) for (const block of blocks) buffers.push(block.buffer as ArrayBuffer);
  return buffers;
}

/** The accounts of all `parts`, ascending, and per part each slot's rank among them. */
export function accountRanks(parts: readonly BucketRowsData[]): { accounts: number[]; ranks: Int32Array[] } {
  const accounts = [...new Set(parts.flatMap((part) => part.accounts))].sort((a, b) => a - b);
  const rankOf = new Map(accounts.map((account, rank) => [account, rank]));
  const ranks = parts.map((part) => Int32Array.from(part.accounts, (account) => rankOf.get(account)!));
  return { accounts, ranks };
}

/**
 * Every (guid, account) pair of the rows of all `parts` (one per thread), combined: `visit`
 * gets the pair's plays and latest date, by guid number, then by account ascending, which is
 * HISTORY_SQL's order (the guids are numbered in SQLite's order of guid).
 */
export function eachPair(
  guidCount: number,
  parts: readonly BucketRowsData[],
  visit: (account: number, guid: number, plays: number, latest: number) => void,
): void {
  const { accounts, ranks } = accountRanks(parts);
  const width = accounts.length;
  // Per place in the bucket, per account rank: plays, latest date.
  const cells = new Float64Array(2 * BUCKET_GUIDS * width);
  const buckets = Math.ceil(guidCount / BUCKET_GUIDS);
  for (let bucket = 0; bucket < buckets; bucket++) {
    let rows = 0;
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k]!;
      const rank = ranks[k]!;
      const keys = part.keys[bucket]!;
      const dates = part.values[bucket]!;
      for (let b = 0; b < keys.length; b++) {
        const blockKeys = keys[b]!;
        const blockDates = dates[b]!;
        const count = b === keys.length - 1 ? part.fill[bucket]! : BLOCK_ROWS;
        rows += count;
        for (let i = 0; i < count; i++) {
          const key = blockKeys[i]!;
          const at = 2 * ((key & (BUCKET_GUIDS - 1)) * width + rank[key >>> BUCKET_BITS]!);
          const viewedAt = blockDates[i]!;
          if (cells[at] === 0 || viewedAt > cells[at + 1]!) cells[at + 1] = viewedAt;
          cells[at]!++;
        }
      }
    }
    if (rows === 0) continue;
    const first = bucket * BUCKET_GUIDS;
    const places = Math.min(BUCKET_GUIDS, guidCount - first);
    for (let place = 0; place < places; place++) {
      for (let rank = 0; rank < width; rank++) {
        const at = 2 * (place * width + rank);
        const plays = cells[at]!;
        if (plays === 0) continue;
        visit(accounts[rank]!, first + place, plays, cells[at + 1]!);
        cells[at] = 0;
      }
    }
  }
}

/** The history summed: what the worker posts. */
export interface HistorySums {
  /** The guid of each number (SQLite's order); non-text ones have no plays. */
  guids: unknown[];
  /** The rows each thread listed (BucketRows of one field, the date). */
  parts: BucketRowsData[];
}

/** Rowids per chunk of the second scan: the threads claim chunks until none are left. */
export const CHUNK_ROWIDS = 65_536;

/** Slots of the shared control array. */
export const NEXT_CHUNK = 0;
/** Set when a row needs SQL's grouping: everyone stops summing. */
export const ODD_FLAG = 1;
/** Set once the guids are numbered: the main thread may then claim chunks too. */
export const NUMBERED = 2;
/** How many guid numbers there are, once NUMBERED. */
export const GUID_COUNT = 3;

/** What both threads share: the rows' guid numbers and the control slots. */
export interface SharedHistory {
  index: string;
  low: number;
  chunks: number;
  rowGuids: Int32Array;
  control: Int32Array;
}

/** The shared arrays for summing metadata_item_views, or undefined when only SQL can group it. */
export function shareHistory(db: Database.Database): SharedHistory | undefined {
  try {
    const index = guidIndex(db, VIEWS);
    if (index === undefined) return undefined;
    const range = rowidRange(db, VIEWS);
    const size = range === null ? 0 : range[1] - range[0] + 1;
    return {
      index,
      low: range?.[0] ?? 0,
      chunks: Math.ceil(size / CHUNK_ROWIDS),
      rowGuids: new Int32Array(new SharedArrayBuffer(4 * size)),
      control: new Int32Array(new SharedArrayBuffer(16)),
    };
  } catch (error) {
    if (error instanceof OddRow) return undefined;
    throw error;
  }
}

const VIEWS = "metadata_item_views";
const SUM_FUNCTION = "plexodus_sum_history";

/**
 * Claims chunks of the second scan until none are left or a row somewhere was odd, adding
 * each row to `rows`. Returns false when a row was odd (here or in the other thread).
 */
export function sumChunks(db: Database.Database, rows: BucketRows, shared: SharedHistory): boolean {
  const { low, rowGuids, control, chunks } = shared;
  const step = (_total: unknown, rowid: unknown, account: unknown, viewedAt: unknown) => {
    const guid = rowGuids[(rowid as number) - low];
    if (guid === undefined || guid === NO_ROW) throw new OddRow("a row the guid index did not list");
    if (guid === SKIPPED_GUID) {
      rows.skippedRows++;
      return;
    }
    if (typeof account !== "number" || !(account > 0) || !Number.isSafeInteger(account)) {
      if (accountKind(account) !== "skipped") throw new OddRow("an account that is not a whole number");
      rows.skippedRows++;
      return;
    }
    if (typeof viewedAt !== "number" || !Number.isFinite(viewedAt))
      throw new OddRow("a date that is not a number");
    const at = rows.add(guid, account);
    rows.block[at] = viewedAt;
  };
  db.aggregate(SUM_FUNCTION, { varargs: true, start: 0, step: step as (total: number) => void });
  const query = db
    .prepare(
      `SELECT ${SUM_FUNCTION}(rowid, account_id, viewed_at) FROM ${VIEWS} NOT INDEXED WHERE rowid >= ? AND rowid < ?`,
    )
    .pluck();
  while (Atomics.load(control, ODD_FLAG) === 0) {
    const chunk = Atomics.add(control, NEXT_CHUNK, 1);
    if (chunk >= chunks) return true;
    const from = low + chunk * CHUNK_ROWIDS;
    try {
      query.get(from, from + CHUNK_ROWIDS);
    } catch (error) {
      if (!(error instanceof OddRow)) throw error;
      Atomics.store(control, ODD_FLAG, 1);
    }
  }
  return false;
}

/**
 * The whole history summed on one thread (the worker, or the main thread when there is none):
 * numbers the guids, then claims chunks. Undefined when a row needs SQL's grouping.
 */
export function sumHistory(db: Database.Database, shared: SharedHistory): HistorySums | undefined {
  let guids: unknown[];
  try {
    guids = numberGuids(db, VIEWS, shared.index, shared.low, shared.rowGuids);
  } catch (error) {
    if (!(error instanceof OddRow)) throw error;
    Atomics.store(shared.control, ODD_FLAG, 1);
    return undefined;
  }
  Atomics.store(shared.control, GUID_COUNT, guids.length);
  Atomics.store(shared.control, NUMBERED, 1);
  const rows = new BucketRows(guids.length, 1);
  if (!sumChunks(db, rows, shared)) return undefined;
  return { guids, parts: [rows.data()] };
}

/** What the history worker starts with. */
export interface HistoryWorkerData {
  /** Marks this module's worker, which runs only when started as one. */
  plexodusHistorySums: true;
  dbPath: string;
  cacheSize: number;
  /** Undefined when only SQL can group the table. */
  shared: SharedHistory | undefined;
  /** The states' table, numbered first for the main thread (it posts "numbered"). */
  states: TableToNumber | undefined;
  /** HISTORY_SQL, run when a row was odd: its groups go back as they are. */
  groupSql: string;
}

/** Groups of HISTORY_SQL per message, when SQL had to group. */
export const GROUP_BATCH = 65_536;

export type WorkerMessage =
  | { type: "numbered"; guids: unknown[] }
  | { type: "sums"; sums: HistorySums }
  | { type: "groups"; groups: unknown[][] }
  | { type: "done" }
  | { type: "error"; code: string | undefined; message: string };

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

/**
 * The worker: numbers the states' guids for the main thread, then the history's, sums chunks (the main thread joins in when it can) and posts
 * its sums; or, when a row was odd (here or on the main thread, before this one ran out of
 * chunks), HISTORY_SQL's groups and then "done".
 */
function run(data: HistoryWorkerData): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(data.dbPath, { readonly: true, fileMustExist: true });
    db.pragma("query_only = 1");
    db.pragma(`cache_size = ${Number(data.cacheSize)}`);
    if (data.states) {
      const { table, index, low, rowGuids } = data.states;
      post({ type: "numbered", guids: numberGuids(db, table, index, low, rowGuids) });
    }
    const sums = data.shared && sumHistory(db, data.shared);
    if (sums) {
      post({ type: "sums", sums }, sums.parts.flatMap(rowBuffers));
      return;
    }
    let groups: unknown[][] = [];
    for (const group of db.prepare(data.groupSql).raw().iterate() as IterableIterator<unknown[]>) {
      groups.push(group);
      if (groups.length === GROUP_BATCH) {
        post({ type: "groups", groups });
        groups = [];
      }
    }
    if (groups.length > 0) post({ type: "groups", groups });
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

if ((workerData as Partial<HistoryWorkerData> | null)?.plexodusHistorySums === true) {
  run(workerData as HistoryWorkerData);
}
