import { setFlagsFromString } from "node:v8";

/**
 * How much the heap may grow past what the last full collection left alive before the next one
 * runs, while a big read lasts (V8's --heap-growing-percent).
 *
 * Planning and rehearsing hold the Plex source and what they read of the target while turning
 * over gigabytes of short-lived pages and rows. Left to itself on a machine with much memory, V8
 * lets the heap grow to several times the live size before it collects:
 * - a rehearsal of a 200,000-item target with 20 users (about 340 MB live) peaked at 1.3–1.6 GiB
 *   RSS; collecting once the heap has grown by half held it to 760–910 MB (docs/rehearsal.md);
 * - `plan` of 200,000 items × 50 users peaked at 3,026 MiB, and at 2,556 MiB with the same CPU
 *   time (229 s) when collecting sooner (docs/performance.md, Scale);
 * - with the plan's actions packed, that `plan` held about 640 MB live at its end and peaked at
 *   1,041–1,080 MiB with 50 %, 1,004 MiB with 30 %, its CPU time within the runs' spread
 *   (99–137 s); `migrate` peaks there too (issue 14, scale: ≤ 1 GiB).
 * It bounds nothing: a bigger library still gets the memory it needs, only collected sooner, at
 * the cost of more (concurrent) collections.
 */
const GROWING_PERCENT = 30;

/** Node's own flags and NODE_OPTIONS: a person who tuned the collector keeps their setting. */
function chosenByTheUser(): boolean {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return /heap[-_]growing[-_]percent/.test(given);
}

/** How many callers want the collector sooner right now: a rehearsal plans several times. */
let holders = 0;

/**
 * Has V8 collect sooner until the returned function is called; once the last caller has called
 * it, V8's default comes back (grow by what the collector's speed allows). Process-wide: call
 * it around the big reads only. Calling the returned function twice counts once.
 */
export function collectSooner(): () => void {
  if (chosenByTheUser()) return () => undefined;
  holders += 1;
  if (holders === 1) setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders -= 1;
    if (holders === 0) setFlagsFromString("--heap-growing-percent=0");
  };
}

/** Runs `work` with the collector sooner (collectSooner), put back however it ends. */
export async function whileCollectingSooner<T>(work: () => Promise<T>): Promise<T> {
  const restore = collectSooner();
  try {
    return await work();
  } finally {
    restore();
  }
}
