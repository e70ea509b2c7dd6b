import { setMaxListeners } from "node:events";
import PQueue from "p-queue";
import { type RetryPolicy, sleep } from "../retry.js";
import type { TargetAdapter } from "../targets/types.js";
import type { Journal } from "./journal/index.js";

/** How a run goes, whatever it does: options apply and rollback share. */
export interface RunSettings {
  /** Ctrl-C: no new step starts; in-flight ones finish and are journaled. */
  signal?: AbortSignal;
  /** Overrides of the actions' retry policy (ACTION_RETRY). */
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
  /** For tests: jitter source. */
  random?: () => number;
}

/** Thrown inside an action when the run is stopping; the action simply does not go on. */
export class Stopped extends Error {
  constructor() {
    super("the run is stopping");
    this.name = "Stopped";
  }
}

export type Outcome =
  | { kind: "applied" }
  | { kind: "already-done" }
  | { kind: "conflict"; reason: string }
  /** `transient`: the server was busy or gone past the attempts; a later pass may succeed. */
  | { kind: "failed"; reason: string; transient?: true }
  /** `userMissing`: the action's user does not exist (yet); a pass after its creation may run it. */
  | { kind: "skipped"; reason: string; userMissing?: true }
  | { kind: "not-started" };

/** How one rollback step ended (a failure is added by the retry loop). */
export type Undo =
  | { kind: "restored" }
  | { kind: "already" }
  | { kind: "kept" }
  | { kind: "conflict"; reason: string };

/** How long a user is not deleted after a user-data write: four times Jellyfin's 500 ms. */
export const USER_DATA_QUIET_MS = 2_000;

/**
 * What one run shares between its actions: the adapter behind two bounded queues (lookups
 * and writes, like rclone's checkers and transfers), the journal, and the stop switch.
 */
export class RunContext {
  writesSent = 0;
  private userDataWrittenAt = Number.NEGATIVE_INFINITY;
  private stopError: unknown;
  private stopping = false;
  private readonly halt = new AbortController();
  private readonly lookups: PQueue;
  private readonly writes: PQueue;

  /** `concurrency` bounds each queue. */
  constructor(
    readonly adapter: TargetAdapter,
    readonly journal: Journal,
    concurrency: number,
    readonly signal: AbortSignal | undefined,
  ) {
    // Every action waiting out a retry listens on it: many more than Node's default ten.
    setMaxListeners(0, this.halt.signal);
    this.lookups = new PQueue({ concurrency });
    this.writes = new PQueue({ concurrency });
    signal?.addEventListener("abort", () => this.halt.abort(), { once: true });
    if (signal?.aborted) this.halt.abort();
  }

  /** Aborted on Ctrl-C or on a fatal error: cuts retry waits short. */
  get haltSignal(): AbortSignal {
    return this.halt.signal;
  }

  get stopped(): boolean {
    return this.stopping || this.signal?.aborted === true;
  }

  /** The first fatal error; later ones are consequences of the same cause. */
  get fatalError(): unknown {
    return this.stopError;
  }

  /** Ctrl-C came. */
  get interrupted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Records in the journal how the run ended; the error that stopped it is raised. */
  finishRun(runId: number, planFingerprint: string | null = null): void {
    const stopped = this.stopError !== undefined;
    this.journal.finishRun(
      runId,
      stopped ? "stopped" : this.interrupted ? "interrupted" : "finished",
      planFingerprint,
    );
    if (stopped) throw this.stopError;
  }

  stop(error: unknown): void {
    if (!this.stopping) this.stopError = error;
    this.stopping = true;
    this.halt.abort();
  }

  /** A read of the target, through the lookup queue. */
  lookup<T>(read: () => Promise<T>): Promise<T> {
    return this.lookups.add(async () => {
      if (this.stopped) throw new Stopped();
      return read();
    }) as Promise<T>;
  }

  /**
   * A read that confirms writes already sent, through the lookup queue. It goes out even while
   * the run stops: the writes it confirms were sent, and are journaled as done only after it.
   */
  readBack<T>(read: () => Promise<T>): Promise<T> {
    return this.lookups.add(read) as Promise<T>;
  }

  /** No write is queued or in flight. */
  get writesIdle(): boolean {
    return this.writes.size === 0 && this.writes.pending === 0;
  }

  /** Called each time the write queue runs empty. */
  onWritesIdle(listener: () => void): void {
    this.writes.on("idle", listener);
  }

  offWritesIdle(listener: () => void): void {
    this.writes.off("idle", listener);
  }

  /**
   * A write to the target, through the write queue. `before` runs first (it records the
   * prior value in the journal and settles once that is committed); if it fails, nothing is
   * sent. It runs before the write takes its place in the queue, so the journal's commits
   * overlap the writes in flight instead of holding a place the server could be using.
   */
  async write<T>(before: () => void | Promise<void>, send: () => Promise<T>): Promise<T> {
    if (this.stopped) throw new Stopped();
    await before();
    return this.writes.add(async () => {
      if (this.stopped) throw new Stopped();
      this.writesSent += 1;
      return send();
    }) as Promise<T>;
  }

  /** A rollback write: nothing to journal first, the row already holds what it undoes. */
  undoWrite<T>(send: () => Promise<T>): Promise<T> {
    return this.write(() => {}, send);
  }

  /** A rollback write of user data: timed, so that a user is deleted only once the server is quiet. */
  async undoUserDataWrite<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await this.undoWrite(send);
    } finally {
      this.userDataWrittenAt = Date.now();
    }
  }

  /**
   * Waits until USER_DATA_QUIET_MS have passed since this run's last user-data write. Jellyfin
   * 12 sends user-data changes to the user's sessions 500 ms after saves pause; a user deleted
   * before that, while a session is bound to them (the played routes bind plexodus's own),
   * makes the server process exit (observed on 12.0.0; src/sandbox/notifier.ts).
   */
  async quietAfterUserData(): Promise<void> {
    const wait = this.userDataWrittenAt + USER_DATA_QUIET_MS - Date.now();
    if (wait > 0 && !(await sleep(wait, this.halt.signal))) throw new Stopped();
  }
}

export function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
