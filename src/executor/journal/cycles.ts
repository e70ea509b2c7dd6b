/**
 * Longest wait between two commit-and-sync cycles of priors. The wait is half of how long a
 * write takes once its prior is on disk (its place in the write queue, then its round trip):
 * the runner keeps three actions ready per write in flight, so a prior that waits that long
 * still reaches the queue before a place frees, and a slow server's writes share one commit
 * and one sync in fives and tens instead of in twos (each cycle costs the event loop about
 * 0.4 ms here: the commit's writes to the WAL and waking the thread that syncs it).
 */
const MAX_CYCLE_WAIT_MS = 20;

/** A write waiting for its prior value to be committed and synced. */
export interface Waiter {
  key: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What one cycle does with the journal's file. */
export interface CycleSteps {
  /** Whether the journal is still open (a closed one told every waiter already). */
  open(): boolean;
  /** Commits the deferred records, durable once `sync` resolves; throws on failure. */
  commit(): void;
  /** The WAL's sync off the event loop; undefined when `commit` is durable by itself. */
  sync: (() => Promise<void>) | undefined;
  /** The error a failed sync is reported as. */
  syncError(error: unknown): Error;
}

/**
 * The pace of the journal's group commit: writes wait here for their priors to be committed
 * and synced; the priors recorded until the next cycle share one transaction and one sync,
 * like a database's group commit, and each write is still sent only after its own prior is
 * durable. It also learns how long a write takes once released, which paces the cycles.
 */
export class CommitCycles {
  private waiting: Waiter[] = [];
  /** A cycle is due (on the next turn or on `timer`). */
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  /** The WAL sync of the last cycle is running; the priors recorded meanwhile wait for it. */
  private syncing = false;
  /** When the last cycle started (performance.now()). */
  private lastCycle = Number.NEGATIVE_INFINITY;
  /** When each write was told to go (its prior durable), until it is confirmed. */
  private readonly released = new Map<string, number>();
  /** Moving average of release → confirmation: the write's wait in the queue and its round trip. */
  private writeMs: number | undefined;

  constructor(private readonly steps: CycleSteps) {}

  /** Resolves once the prior just recorded for `key` is durable. */
  wait(key: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      this.schedule();
    });
  }

  /** The writes waiting now, taken out: a flush commits for them itself. */
  take(): Waiter[] {
    const waiting = this.waiting;
    this.waiting = [];
    return waiting;
  }

  /** Tells writes their priors are durable, and notes when, to learn how long a write takes. */
  release(waiting: readonly Waiter[]): void {
    if (waiting.length === 0) return;
    const at = performance.now();
    for (const waiter of waiting) {
      this.released.set(waiter.key, at);
      waiter.resolve();
    }
  }

  reject(waiting: readonly Waiter[], error: unknown): void {
    for (const waiter of waiting) waiter.reject(error);
  }

  /** A confirmed write's time since its release, into the moving average the cycles wait by. */
  confirmed(key: string): void {
    const released = this.released.get(key);
    if (released === undefined) return;
    this.released.delete(key);
    const took = performance.now() - released;
    this.writeMs = this.writeMs === undefined ? took : this.writeMs + (took - this.writeMs) / 16;
  }

  /** An action settled without a confirmed write: nothing to learn from it. */
  forget(key: string): void {
    this.released.delete(key);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /**
   * The next cycle: on the next turn of the event loop (the priors of concurrent writes
   * together), but not while the last cycle's sync runs, and not sooner after the last cycle's
   * start than half of a write's time (MAX_CYCLE_WAIT_MS): a target answering in 20 ms gets a
   * cycle every ~10 ms, a fast one a cycle per turn.
   */
  private schedule(): void {
    if (this.scheduled || this.syncing || this.waiting.length === 0) return;
    this.scheduled = true;
    const wait = this.writeMs === undefined ? 0 : Math.min(MAX_CYCLE_WAIT_MS, this.writeMs / 2);
    const delay = this.lastCycle + wait - performance.now();
    if (delay <= 0) setImmediate(() => this.cycle());
    else this.timer = setTimeout(() => this.cycle(), delay);
  }

  /**
   * One group commit of priors. With a WAL the transaction is committed with synchronous
   * NORMAL (its frames written, not synced) and the WAL is then synced off the event loop; its
   * waiters are told once that sync, which started after their commit, has completed. So the
   * priors are exactly as durable when their writes are sent, and the event loop goes on
   * reading the target's answers and sending writes whose priors are synced while the disk
   * works. One sync at a time: the priors recorded while it runs wait for the next cycle.
   */
  private cycle(): void {
    this.scheduled = false;
    this.timer = undefined;
    // Nothing waits (a flush committed it) or the journal is closed (its flush told everyone).
    if (this.waiting.length === 0 || !this.steps.open()) return;
    this.lastCycle = performance.now();
    const waiting = this.take();
    try {
      this.steps.commit();
    } catch (error) {
      // Every waiter is told; the run stops before its next write.
      this.reject(waiting, error);
      return;
    }
    if (this.steps.sync === undefined) {
      this.release(waiting);
      return;
    }
    this.syncing = true;
    this.steps.sync().then(
      () => {
        this.syncing = false;
        this.release(waiting);
        this.schedule();
      },
      (error: unknown) => {
        this.syncing = false;
        this.reject(waiting, this.steps.syncError(error));
        this.schedule();
      },
    );
  }
}
