import type { TargetUserData } from "../model/index.js";
import type { RunContext } from "./context.js";
import { RECHECK_BATCH } from "./recheck.js";

/** Items per read-back: one list request of the adapter, like a re-check. */
export const READ_BACK_BATCH = RECHECK_BATCH;

/**
 * The longest a written item waits for its read-back while writes keep going: past the last
 * user-data write, playlist and collection writes may keep the write queue busy for long.
 */
export const READ_BACK_WAIT_MS = 2_000;

/**
 * Actions a run keeps in flight beyond the writes' own (runner.ts) where writes are read
 * back: those whose write is sent and that wait for their batch to be read, so the write
 * queue stays busy meanwhile.
 */
export const READ_BACK_IN_FLIGHT = 2 * READ_BACK_BATCH;

interface Waiting {
  itemId: string;
  resolve(value: TargetUserData): void;
  reject(error: unknown): void;
}

/**
 * The read-backs of user-data writes whose answer does not tell what the server stored (Emby):
 * items written are read back in batches, one list request for up to READ_BACK_BATCH of one
 * user's items, instead of one read per write. A batch goes out when it is full, when
 * READ_BACK_BATCH items of all users wait, when no write is queued or in flight (nothing more
 * is coming soon), after READ_BACK_WAIT_MS, or at once when the run stops. A write is
 * confirmed in the journal only after its read-back, so a crash before it leaves the action
 * unconfirmed and the next run re-checks it (docs/journal.md).
 */
export class ReadBacks {
  private readonly waiting = new Map<string, Waiting[]>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: RunContext,
    private readonly batch: number = READ_BACK_BATCH,
    private readonly waitMs: number = READ_BACK_WAIT_MS,
  ) {
    const stopping = () => this.flushAll();
    const idle = () => this.whenIdle();
    ctx.haltSignal.addEventListener("abort", stopping);
    ctx.onWritesIdle(idle);
    this.unsubscribe = () => {
      ctx.haltSignal.removeEventListener("abort", stopping);
      ctx.offWritesIdle(idle);
    };
  }

  /** Items written and waiting for their batch to be read. */
  get pending(): number {
    return this.count;
  }

  /** The item's state on the target, read after its write (with others of the same user). */
  read(userId: string, itemId: string): Promise<TargetUserData> {
    return new Promise<TargetUserData>((resolve, reject) => {
      let list = this.waiting.get(userId);
      if (list === undefined) {
        list = [];
        this.waiting.set(userId, list);
      }
      list.push({ itemId, resolve, reject });
      this.count += 1;
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flushAll();
      }, this.waitMs);
      if (this.ctx.stopped) this.flushAll();
      else if (list.length >= this.batch) this.flush(userId);
      else if (this.count >= this.batch) this.flush(this.fullest());
      else if (this.ctx.writesIdle) this.whenIdle();
    });
  }

  /** Ends this pass's use: nothing may wait any more (every read-back was awaited). */
  close(): void {
    this.flushAll();
    this.unsubscribe();
  }

  /**
   * The write queue ran empty: once the actions whose writes just ended have joined their
   * batches (their continuations run before the next turn of the loop), read what waits, unless
   * new writes came meanwhile.
   */
  private whenIdle(): void {
    if (this.checking || this.count === 0) return;
    this.checking = true;
    setImmediate(() => {
      this.checking = false;
      if (this.ctx.writesIdle || this.ctx.stopped) this.flushAll();
    });
  }

  private fullest(): string {
    let best: string | undefined;
    let size = -1;
    for (const [userId, list] of this.waiting) {
      if (list.length > size) {
        best = userId;
        size = list.length;
      }
    }
    return best!;
  }

  private flushAll(): void {
    for (const userId of [...this.waiting.keys()]) this.flush(userId);
  }

  /** One request for the items of this user that wait; each waiting action gets its item's state. */
  private flush(userId: string): void {
    const list = this.waiting.get(userId);
    if (list === undefined) return;
    this.waiting.delete(userId);
    this.count -= list.length;
    if (this.count === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const ids = [...new Set(list.map((entry) => entry.itemId))];
    this.ctx
      .readBack(() => this.ctx.adapter.readUserData(userId, ids))
      .then(
        (values) => {
          for (const entry of list) {
            const value = values.get(entry.itemId);
            // The adapter answers every id it was asked for (absent ones as empty user data).
            if (value === undefined)
              entry.reject(new Error(`the read-back did not answer item ${entry.itemId}`));
            else entry.resolve(value);
          }
        },
        (error: unknown) => {
          for (const entry of list) entry.reject(error);
        },
      );
  }
}
