import type { TargetUserData } from "../model/index.js";
import type { RunContext } from "./context.js";

/**
 * Items per re-check read: one list request of the adapter (its id batch, which keeps the URL
 * short) answers this many of one user's items at once.
 */
export const RECHECK_BATCH = 100;

/**
 * A value read longer ago than this is read again before it is written over: a run that sat
 * out retries of a busy server must not compare against a value from minutes before.
 */
const FRESH_FOR_MS = 30_000;

interface Read {
  at: number;
  value: Promise<TargetUserData>;
}

/**
 * The first re-check read of a run, sent while the run starts (with the connection check),
 * so the first writes do not wait a round trip more for it: one user's first items in pass
 * order, from the user ids the plan names.
 */
export interface EarlyRead {
  userId: string;
  itemIds: readonly string[];
  at: number;
  value: Promise<ReadonlyMap<string, TargetUserData>>;
}

/**
 * Sends the read the first pass's UserDataChecks would send first: the first user-data
 * write's user and up to RECHECK_BATCH of that user's items, in pass order. Undefined when
 * no write names its user's id.
 */
export function readEarly(
  writes: Iterable<{ userId: string; itemId: string }>,
  read: (userId: string, itemIds: string[]) => Promise<ReadonlyMap<string, TargetUserData>>,
  now: () => number = Date.now,
): EarlyRead | undefined {
  let userId: string | undefined;
  const ids: string[] = [];
  for (const write of writes) {
    userId ??= write.userId;
    if (write.userId !== userId) continue;
    ids.push(write.itemId);
    if (ids.length === RECHECK_BATCH) break;
  }
  if (userId === undefined) return undefined;
  const value = read(userId, ids);
  value.catch(() => undefined);
  return { userId, itemIds: ids, at: now(), value };
}

/** One user's set-user-data items in the order the pass reaches them. */
interface Queue {
  itemIds: string[];
  /** Items before this index were read (or are being read) already. */
  next: number;
  /** Items whose batch read failed: read with the next batch instead. */
  again: string[];
  /** Values read (or being read) for this user that no attempt has taken yet. */
  ahead: number;
}

/**
 * The re-check before each user-data write, in batches: the first action of a user that needs
 * its item's current value reads it together with the next items of the same user the pass
 * will reach (one request for up to RECHECK_BATCH of them), and those actions take their
 * values from that read. When half of a batch is taken, the next one is read, so writes never
 * wait for a read. Each value serves one attempt only; a retry reads again. Actions of a user
 * run in plan order, so a value is written over within about 1.5 batches of actions.
 */
export class UserDataChecks {
  private readonly queues = new Map<string, Queue>();
  private readonly reads = new Map<string, Read>();

  constructor(
    private readonly ctx: RunContext,
    /** The pass's user-data writes in order, each with its target user id. */
    writes: Iterable<{ userId: string; itemId: string }>,
    private readonly now: () => number = Date.now,
    /** The first read, sent already; taken when it is the one this pass would send first. */
    early?: EarlyRead,
  ) {
    for (const { userId, itemId } of writes) {
      let queue = this.queues.get(userId);
      if (queue === undefined) {
        queue = { itemIds: [], next: 0, again: [], ahead: 0 };
        this.queues.set(userId, queue);
      }
      queue.itemIds.push(itemId);
    }
    if (early !== undefined) this.adopt(early);
  }

  /**
   * Takes the early read when it asked for exactly the items this pass reads first for the
   * first user (the users resolved since may differ from the plan's ids): otherwise it is
   * left unused and everything is read as usual.
   */
  private adopt(early: EarlyRead): void {
    const first = this.queues.keys().next();
    if (first.done || first.value !== early.userId) return;
    const queue = this.queues.get(early.userId)!;
    const probe = { ...queue, again: [] };
    const expected = this.upcoming(probe, early.userId, RECHECK_BATCH, undefined);
    if (expected.length !== early.itemIds.length || expected.some((id, i) => id !== early.itemIds[i])) return;
    queue.next = probe.next;
    this.register(early.userId, early.itemIds, early.value, early.at);
  }

  /** The target's current value of one user's item, from a read made for it (or its batch). */
  current(userId: string, itemId: string): Promise<TargetUserData> {
    const read = this.take(userId, itemId);
    if (read !== undefined) {
      const queue = this.queues.get(userId);
      if (queue !== undefined && queue.ahead < RECHECK_BATCH / 2) {
        const ids = this.upcoming(queue, userId, RECHECK_BATCH, undefined);
        if (ids.length > 0) this.readBatch(userId, ids);
      }
      if (this.now() - read.at <= FRESH_FOR_MS) return read.value;
    }
    const queue = this.queues.get(userId);
    const ids = [itemId, ...(queue ? this.upcoming(queue, userId, RECHECK_BATCH - 1, itemId) : [])];
    this.readBatch(userId, ids);
    return this.take(userId, itemId)!.value;
  }

  /** The read made for this item, now taken by an attempt. */
  private take(userId: string, itemId: string): Read | undefined {
    const key = `${userId}\u0000${itemId}`;
    const read = this.reads.get(key);
    if (read === undefined) return undefined;
    this.reads.delete(key);
    const queue = this.queues.get(userId);
    if (queue !== undefined) queue.ahead -= 1;
    return read;
  }

  /** One request for these items of one user; each item's value waits in `reads`. */
  private readBatch(userId: string, ids: readonly string[]): void {
    const at = this.now();
    this.register(
      userId,
      ids,
      this.ctx.lookup(() => this.ctx.adapter.readUserData(userId, ids)),
      at,
    );
  }

  /** Makes a read's answer wait in `reads` for each of its items. */
  private register(
    userId: string,
    ids: readonly string[],
    all: Promise<ReadonlyMap<string, TargetUserData>>,
    at: number,
  ): void {
    const members = new Map<string, Read>();
    for (const id of ids) {
      const read = { at, value: all.then((values) => answerFor(values, id)) };
      read.value.catch(() => undefined);
      members.set(id, read);
      this.reads.set(`${userId}\u0000${id}`, read);
    }
    const queue = this.queues.get(userId);
    if (queue !== undefined) queue.ahead += ids.length;
    // A failed read goes into the next batch for all its items, including those whose
    // attempts already took the failure (their retries then find the new read).
    all.catch(() => {
      for (const [id, read] of members) {
        const key = `${userId}\u0000${id}`;
        if (this.reads.get(key) === read) this.take(userId, id);
        if (!this.reads.has(key)) queue?.again.push(id);
      }
    });
  }

  /** Up to `count` items of this user not read yet, in pass order, without `except`. */
  private upcoming(queue: Queue, userId: string, count: number, except: string | undefined): string[] {
    const out: string[] = [];
    const add = (id: string) => {
      if (id !== except && !this.reads.has(`${userId}\u0000${id}`)) out.push(id);
    };
    while (queue.again.length > 0 && out.length < count) add(queue.again.shift()!);
    while (queue.next < queue.itemIds.length && out.length < count) add(queue.itemIds[queue.next++]!);
    return out;
  }
}

function answerFor(values: ReadonlyMap<string, TargetUserData>, itemId: string): TargetUserData {
  const value = values.get(itemId);
  // The adapter answers every id it was asked for (absent ones as empty user data).
  if (value === undefined) throw new Error(`the re-check did not answer item ${itemId}`);
  return value;
}
