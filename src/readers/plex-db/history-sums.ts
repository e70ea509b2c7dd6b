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
/**
 * Where blocks are carved from: buffers above glibc's largest mmap threshold (32 MiB on 64-bit
 * Linux). Blocks of their own (16–64 KB) came from malloc's heap, and once freed their pages
 * stayed in the process: at 200,000 items × 50 users about 135 MB of RSS for the rest of the
 * run. A buffer this big is always mapped on its own and unmapped when freed; its pages count
 * only once written.
 */
const SLAB_BYTES = 48 * 2 ** 20;

/**
 * Blocks carved one after another from slabs of SLAB_BYTES; freed all together with them.
 * model/slabs.ts is the same allocator for the planner's tables: a worker module may import
 * packages only (test/helpers/worker-entries.ts), so this one keeps its own.
 */
class Slabs {
  readonly buffers: ArrayBuffer[] = [];
  private used = SLAB_BYTES;

  private take(bytes: number): [ArrayBuffer, number] {
    if (this.used + bytes > SLAB_BYTES) {
      this.buffers.push(new ArrayBuffer(SLAB_BYTES));
      this.used = 0;
    }
    const at = this.used;
    // Every block's length is a multiple of 8 bytes, so each starts aligned for Float64Array.
    this.used += bytes;
    return [this.buffers[this.buffers.length - 1]!, at];
  }

  int32(length: number): Int32Array {
    const [buffer, at] = this.take(Math.ceil(length / 2) * 8);
    return new Int32Array(buffer, at, length);
  }

  float64(length: number): Float64Array {
    const [buffer, at] = this.take(length * 8);
    return new Float64Array(buffer, at, length);
  }
}

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
  /** Rows seen, listed or skipped (the states count them for progress). */
  seen = 0;
  /** The block add() listed the last row in: its values go from the position add() returned. */
  block: Float64Array = new Float64Array(0);
  private readonly slots = new Map<number, number>();
  private readonly slabs = new Slabs();

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
      keys.push(this.slabs.int32(BLOCK_ROWS));
      values.push(this.slabs.float64(BLOCK_ROWS * this.fields));
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
    const { accounts, keys, values, fill, skippedRows, seen, fields } = this;
    return { accounts, keys, values, fill, skippedRows, seen, fields };
  }
}

/** BucketRows as plain data, as it crosses threads. */
export type BucketRowsData = Pick<
  BucketRows,
  "accounts" | "keys" | "values" | "fill" | "skippedRows" | "seen" | "fields"
>;

/** The buffers of `rows`' blocks, each once (blocks share slabs), to transfer rather than copy. */
export function rowBuffers(rows: BucketRowsData): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const list of [rows.keys, rows.values])
    for (const blocks of list) for (const block of blocks) buffers.add(block.buffer as ArrayBuffer);
  return [...buffers];
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

/**
 * A table both threads read in chunks of rowids (the history, the states): its guid numbers,
 * in SharedArrayBuffers, and the control slots.
 */
export interface SharedTable {
  table: string;
  index: string;
  low: number;
  chunks: number;
  rowGuids: Int32Array;
  control: Int32Array;
}

/** The shared arrays for reading `table` in chunks, or undefined when only SQL can combine it. */
export function shareTable(db: Database.Database, table: string): SharedTable | undefined {
  try {
    const index = guidIndex(db, table);
    if (index === undefined) return undefined;
    const range = rowidRange(db, table);
    const size = range === null ? 0 : range[1] - range[0] + 1;
    return {
      table,
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

/** shareTable() of metadata_item_views. */
export function shareHistory(db: Database.Database): SharedTable | undefined {
  return shareTable(db, VIEWS);
}

/**
 * Numbers the guids of a shared table on this thread and tells the other (NUMBERED,
 * GUID_COUNT); the guid of each number.
 */
export function numberShared(db: Database.Database, shared: SharedTable): unknown[] {
  const guids = numberGuids(db, shared.table, shared.index, shared.low, shared.rowGuids);
  Atomics.store(shared.control, GUID_COUNT, guids.length);
  Atomics.store(shared.control, NUMBERED, 1);
  return guids;
}

/**
 * Claims chunks of `shared` until none are left or a row somewhere was odd, running `query`
 * (which takes the chunk's first and past-the-end rowid) on each. The number of chunks this
 * thread ran, or undefined when a row was odd (here or in the other thread).
 */
function claimChunks(
  shared: SharedTable,
  query: Database.Statement,
  onChunk?: () => void,
): number | undefined {
  const { low, control, chunks } = shared;
  let ran = 0;
  while (Atomics.load(control, ODD_FLAG) === 0) {
    const chunk = Atomics.add(control, NEXT_CHUNK, 1);
    if (chunk >= chunks) return ran;
    const from = low + chunk * CHUNK_ROWIDS;
    try {
      query.get(from, from + CHUNK_ROWIDS);
      ran++;
      onChunk?.();
    } catch (error) {
      if (!(error instanceof OddRow)) throw error;
      Atomics.store(control, ODD_FLAG, 1);
    }
  }
  return undefined;
}

const VIEWS = "metadata_item_views";
const SUM_FUNCTION = "plexodus_sum_history";

/**
 * The guid number of a listed row, or SKIPPED_GUID when the reader skips the row (no guid, or
 * an account it skips: counted in `rows`). Throws OddRow where the SQL path must decide: a row
 * the guid index did not list, an account that is not a positive whole number.
 */
function guidOfRow(rows: BucketRows, guid: number | undefined, account: unknown): number {
  if (guid === undefined || guid === NO_ROW) throw new OddRow("a row the guid index did not list");
  if (guid !== SKIPPED_GUID) {
    if (typeof account === "number" && account > 0 && Number.isSafeInteger(account)) return guid;
    if (accountKind(account) !== "skipped") throw new OddRow("an account that is not a whole number");
  }
  rows.skippedRows++;
  return SKIPPED_GUID;
}

/**
 * Claims chunks of the second scan until none are left or a row somewhere was odd, adding
 * each row to `rows`. Returns false when a row was odd (here or in the other thread).
 */
export function sumChunks(db: Database.Database, rows: BucketRows, shared: SharedTable): boolean {
  const { low, rowGuids } = shared;
  const step = (_total: unknown, rowid: unknown, account: unknown, viewedAt: unknown) => {
    const guid = guidOfRow(rows, rowGuids[(rowid as number) - low], account);
    if (guid === SKIPPED_GUID) return;
    if (typeof viewedAt !== "number" || !Number.isFinite(viewedAt))
      throw new OddRow("a date that is not a number");
    // guidOfRow took only a positive whole account.
    const at = rows.add(guid, account as number);
    rows.block[at] = viewedAt;
  };
  db.aggregate(SUM_FUNCTION, { varargs: true, start: 0, step: step as (total: number) => void });
  const query = db
    .prepare(
      `SELECT ${SUM_FUNCTION}(rowid, account_id, viewed_at) FROM ${VIEWS} NOT INDEXED WHERE rowid >= ? AND rowid < ?`,
    )
    .pluck();
  return claimChunks(shared, query) !== undefined;
}

/** The values of a listed state row (BucketRows), in this order. */
export const STATE_ROW = {
  id: 0,
  playCount: 1,
  positionMs: 2,
  viewedMs: 3,
  /** NaN when the row has no rating; then its dates are NONE_MS. */
  rating: 4,
  ratedMs: 5,
  updatedMs: 6,
} as const;
export const STATE_ROW_FIELDS = 7;
/** An empty date (state.ts's NONE). */
export const NONE_MS = Number.NEGATIVE_INFINITY;
const LIST_FUNCTION = "plexodus_list_states";

/**
 * Claims chunks of the states' table (`shared`) until none are left, listing each row in
 * `rows` as state.ts's readStates() reads it: `sql` is stateColumns() without the guid, with
 * `WHERE rowid >= ? AND rowid < ?`. It takes only rows whose values readStates() reads without
 * a side effect: numbers or empty, a rating within 0–10, numeric dates; anything else (text,
 * which values.ts may read as a number, a local-time date, a warning) makes it give up, and
 * the caller runs readStates(). The number of chunks this thread ran, or undefined then.
 * `onChunk` is called after each chunk (progress).
 */
export function listStateChunks(
  db: Database.Database,
  rows: BucketRows,
  shared: SharedTable,
  sql: string,
  onChunk?: () => void,
): number | undefined {
  const { low, rowGuids } = shared;
  const step = (
    _total: unknown,
    account: unknown,
    rowid: unknown,
    viewCount: unknown,
    viewOffset: unknown,
    lastViewedAt: unknown,
    rating: unknown,
    lastRatedAt: unknown,
    updatedAt: unknown,
  ) => {
    rows.seen++;
    const guid = guidOfRow(rows, rowGuids[(rowid as number) - low], account);
    if (guid === SKIPPED_GUID) return;
    // As values.ts num() reads a number or empty (a non-finite number is empty).
    const value = plainNumber(rating);
    // Out of range: readStates() warns.
    if (value < 0 || value > 10) throw new OddRow("a rating out of range");
    const rated = !Number.isNaN(value);
    // As values.ts int() reads a number: whole numbers truncated.
    const count = plainNumber(viewCount, true);
    const offset = plainNumber(viewOffset);
    // guidOfRow took only a positive whole account.
    const at = rows.add(guid, account as number);
    const values = rows.block;
    values[at + STATE_ROW.id] = rowid as number;
    values[at + STATE_ROW.playCount] = Number.isNaN(count) ? 0 : Math.max(0, count);
    values[at + STATE_ROW.positionMs] = Number.isNaN(offset) ? 0 : Math.max(0, offset);
    values[at + STATE_ROW.viewedMs] = plainMs(lastViewedAt);
    values[at + STATE_ROW.rating] = value;
    values[at + STATE_ROW.ratedMs] = rated ? plainMs(lastRatedAt) : NONE_MS;
    values[at + STATE_ROW.updatedMs] = rated ? plainMs(updatedAt) : NONE_MS;
  };
  db.aggregate(LIST_FUNCTION, { varargs: true, start: 0, step: step as (total: number) => void });
  const names = "c0, c1, c2, c3, c4, c5, c6, c7";
  const query = db.prepare(`WITH q(${names}) AS (${sql}) SELECT ${LIST_FUNCTION}(${names}) FROM q`).pluck();
  return claimChunks(shared, query, onChunk);
}

/**
 * A number column's value as values.ts reads a number (`int()` when `whole`, else `num()`),
 * NaN when empty; throws OddRow for any other kind of value, which values.ts may read too.
 */
function plainNumber(value: unknown, whole = false): number {
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value !== "number") throw new OddRow("a number column holding another kind of value");
  if (whole) return Number.isInteger(value) ? value : Math.trunc(value);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * A Plex timestamp as TimeDecoder.ms() reads it when that has no side effect: empty is NONE_MS,
 * a finite number is epoch seconds. Anything else (local-time text, which TimeDecoder counts,
 * or an unreadable value, which it warns about) throws OddRow.
 */
function plainMs(value: unknown): number {
  if (value === null || value === undefined || value === "") return NONE_MS;
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value * 1000);
  throw new OddRow("a date that is not a number");
}

/**
 * The whole history summed on one thread (the worker, or the main thread when there is none):
 * numbers the guids, then claims chunks. Undefined when a row needs SQL's grouping.
 */
export function sumHistory(db: Database.Database, shared: SharedTable): HistorySums | undefined {
  const guids = numberShared(db, shared);
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
  shared: SharedTable | undefined;
  /**
   * The states' table, numbered first for the main thread (it posts "numbered"), then listed
   * in the chunks the main thread has not claimed (it posts "states"); undefined without a
   * guid index.
   */
  states: SharedTable | undefined;
  /** The query listStateChunks() runs. */
  stateSql: string;
  /** HISTORY_SQL, run when a row was odd: its groups go back as they are. */
  groupSql: string;
}

/** Groups of HISTORY_SQL per message, when SQL had to group. */
export const GROUP_BATCH = 65_536;

export type WorkerMessage =
  | { type: "numbered"; guids: unknown[] }
  /** The states this thread listed; undefined when a row was odd. */
  | { type: "states"; rows: BucketRowsData | undefined }
  | { type: "sums"; sums: HistorySums }
  | { type: "groups"; groups: unknown[][] }
  | { type: "done" }
  | { type: "error"; code: string | undefined; message: string };

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

/**
 * The worker: numbers the states' guids for the main thread, then the history's; lists the
 * states' chunks the main thread has not claimed yet (it reads the items meanwhile) and posts
 * them; sums history chunks (the main thread joins in when it can) and posts its sums; or,
 * when a history row was odd (here or on the main thread, before this one ran out of chunks),
 * HISTORY_SQL's groups and then "done".
 */
function run(data: HistoryWorkerData): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(data.dbPath, { readonly: true, fileMustExist: true });
    db.pragma("query_only = 1");
    db.pragma(`cache_size = ${Number(data.cacheSize)}`);
    const stateGuids = data.states && numberShared(db, data.states);
    if (stateGuids) post({ type: "numbered", guids: stateGuids });
    const historyGuids = data.shared && numberShared(db, data.shared);
    if (data.states && stateGuids) {
      const rows = new BucketRows(stateGuids.length, STATE_ROW_FIELDS);
      const ran = listStateChunks(db, rows, data.states, data.stateSql);
      const listed = ran === undefined ? undefined : rows.data();
      post({ type: "states", rows: listed }, listed ? rowBuffers(listed) : []);
    }
    if (data.shared && historyGuids) {
      const rows = new BucketRows(historyGuids.length, 1);
      if (sumChunks(db, rows, data.shared)) {
        const sums = { guids: historyGuids, parts: [rows.data()] };
        post({ type: "sums", sums }, rowBuffers(sums.parts[0]!));
        return;
      }
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
