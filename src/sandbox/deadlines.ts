import { Worker } from "node:worker_threads";

/**
 * Waits until a time given to a fraction of a millisecond, for the sandbox's latency. A Node
 * timer wakes the event loop on whole milliseconds of its clock (libuv polls with a timeout in
 * ms), so an answer due at 20.3 ms leaves at 21 or later: 0.5 ms late on average, which a
 * client at 20 ms latency sees as 2–3 % fewer writes per second, a fault that is not its own.
 * Here one helper thread sleeps (Atomics.wait, which takes fractions of a millisecond, and
 * uses no CPU while it waits) until just before the earliest deadline, spins the rest (a
 * sleeping thread wakes late too, 0.2–0.3 ms on a virtual machine), and then wakes the event
 * loop (Atomics.notify, seen by Atomics.waitAsync): one wake-up per deadline, as with a
 * timer. Answers leave about 0.1 ms after their deadline instead of 0.45 ms (measured,
 * docs/performance.md). Nothing is ever resolved before its deadline.
 */
export class Deadlines {
  private readonly waiters: { at: number; resolve: () => void }[] = [];
  private clock: Clock | undefined;
  /**
   * A timer for the earliest deadline as well: whichever wakes first serves it, so a busy
   * machine that is slow to schedule the helper thread is no later than with a timer alone.
   * It also keeps the process alive while an answer waits, as a timer does.
   */
  private timer: NodeJS.Timeout | undefined;

  /** `timer: false` leaves the waking to the helper thread alone (for its tests). */
  constructor(private readonly options: { timer?: boolean } = {}) {}

  /** Resolves at `deadline` (a performance.now() time), never before. */
  until(deadline: number): Promise<void> {
    if (deadline <= performance.now()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const { waiters } = this;
      // Deadlines mostly come in the order requests arrived: insert from the end.
      let at = waiters.length;
      while (at > 0 && waiters[at - 1]!.at > deadline) at--;
      waiters.splice(at, 0, { at: deadline, resolve });
      if (at === 0) this.arm();
    });
  }

  /** Stops the helper thread; waits still pending are resolved at once. */
  close(): void {
    clearTimeout(this.timer);
    this.clock?.stop();
    this.clock = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  private arm(): void {
    this.clock ??= new Clock(() => this.wake());
    const first = this.waiters[0]?.at;
    this.clock.set(first ?? Number.POSITIVE_INFINITY);
    clearTimeout(this.timer);
    this.timer =
      first === undefined || this.options.timer === false
        ? undefined
        : // One millisecond more than the wait: a Node timer can fire up to a millisecond
          // early, which would wake both threads for nothing. It is there for when the helper
          // is late, not to race it.
          setTimeout(() => this.wake(), Math.max(0, Math.ceil(first - performance.now())) + 1);
  }

  private wake(): void {
    let now = performance.now();
    const first = this.waiters[0]?.at;
    if (first !== undefined && first > now && first - now <= MAX_SPIN_MS) {
      while (now < first) now = performance.now();
    }
    let due = 0;
    while (due < this.waiters.length && this.waiters[due]!.at <= now) due++;
    for (const waiter of this.waiters.splice(0, due)) waiter.resolve();
    this.arm();
  }
}

/**
 * How long before a deadline the helper thread wakes the event loop, besides its own lateness:
 * about the time the loop takes to notice (0.1 ms measured). A loop woken early spins the
 * last fraction of a millisecond (at most MAX_SPIN_MS); one woken late answers at once.
 */
const LEAD_MS = 0.1;
const MAX_SPIN_MS = 0.3;

/** Slots of the shared control array: the version of `due`, and how many wake-ups were sent. */
const VERSION = 0;
const WAKES = 1;

/**
 * What the helper thread runs: plain JavaScript, so that it runs from the sources under test
 * as well as from the build. Times are milliseconds of process.hrtime, the clock that
 * performance.now() also counts, in every thread alike.
 */
const SLEEPER = `
const { workerData } = require("node:worker_threads");
const control = new Int32Array(workerData.control);
const due = new Float64Array(workerData.due);
const clock = () => Number(process.hrtime.bigint()) / 1e6;
// How late a timed Atomics.wait returns, on average (ms): on a virtual machine a sleeping
// thread wakes 0.2-0.3 ms after its time. The thread sleeps until that much before the
// deadline, so that it wakes about on time.
let overshoot = 0.1;
for (;;) {
  const version = Atomics.load(control, ${VERSION});
  const at = due[0];
  if (Number.isNaN(at)) break;
  const left = at === Infinity ? Infinity : at - ${LEAD_MS} - overshoot - clock();
  if (left > 0) {
    const asleep = clock();
    const woke = Atomics.wait(control, ${VERSION}, version, left === Infinity ? undefined : left);
    if (woke === "timed-out") {
      const late = clock() - asleep - left;
      overshoot += (Math.min(Math.max(late, 0), 1) - overshoot) / 16;
    }
    continue;
  }
  Atomics.add(control, ${WAKES}, 1);
  Atomics.notify(control, ${WAKES});
  Atomics.wait(control, ${VERSION}, version);
}`;

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

/** The helper thread and the shared memory it sleeps on. */
class Clock {
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  /** The earliest deadline, process.hrtime milliseconds; Infinity: none; NaN: stop. */
  private readonly due = new Float64Array(new SharedArrayBuffer(8));
  /** process.hrtime − performance.now(), in milliseconds: the same clock, another origin. */
  private readonly offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  private readonly worker: Worker;
  private stopped = false;

  constructor(private readonly onWake: () => void) {
    this.due[0] = Number.POSITIVE_INFINITY;
    this.worker = new Worker(SLEEPER, {
      eval: true,
      workerData: { control: this.control.buffer, due: this.due.buffer },
    });
    this.worker.unref();
    this.listen();
  }

  /**
   * The helper sleeps until `at` (a performance.now() time), then wakes this thread. Always
   * told, even of the same time: after a wake-up it sleeps until `due` changes.
   */
  set(at: number): void {
    this.due[0] = at + this.offset;
    Atomics.add(this.control, VERSION, 1);
    Atomics.notify(this.control, VERSION);
  }

  stop(): void {
    this.stopped = true;
    this.due[0] = Number.NaN;
    Atomics.add(this.control, VERSION, 1);
    Atomics.notify(this.control, VERSION);
    // Settles the pending waitAsync, which would otherwise wait for ever.
    Atomics.add(this.control, WAKES, 1);
    Atomics.notify(this.control, WAKES);
    void this.worker.terminate();
  }

  private listen(): void {
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    const waited = waitAsync(this.control, WAKES, Atomics.load(this.control, WAKES));
    const next = () => {
      if (this.stopped) return;
      this.listen();
      this.onWake();
    };
    if (waited.async) void waited.value.then(next);
    else next();
  }
}
