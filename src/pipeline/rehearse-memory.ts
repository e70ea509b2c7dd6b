import { setFlagsFromString } from "node:v8";

/**
 * How much the heap may grow past what the last full collection left alive before the next one
 * runs, while a rehearsal lasts (V8's --heap-growing-percent).
 *
 * A rehearsal holds the Plex source, the copy and one plan's reads of it at once (about 340 MB
 * live for a 200,000-item target with 20 users), while reading the copy through the API turns
 * over gigabytes of short-lived pages. Left to itself on a machine with much memory, V8 lets the
 * heap grow to up to four times the live size before it collects: that rehearsal peaked at
 * 1.3–1.6 GiB RSS. Collecting once the heap has grown by half held it to 760–910 MB on a busy
 * machine (docs/rehearsal.md; bench/goals/rehearse-memory.goal.ts measures it). It bounds nothing: a bigger target still gets the memory it needs, only
 * collected sooner, at the cost of more (concurrent) collections.
 */
const GROWING_PERCENT = 50;

/** Node's own flags and NODE_OPTIONS: a person who tuned the collector keeps their setting. */
function chosenByTheUser(): boolean {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return /heap[-_]growing[-_]percent/.test(given);
}

/**
 * Has V8 collect sooner until the returned function is called, which puts back its default
 * (grow by what the collector's speed allows). Process-wide: call it around the rehearsal only.
 */
export function collectSooner(): () => void {
  if (chosenByTheUser()) return () => undefined;
  setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
  return () => setFlagsFromString("--heap-growing-percent=0");
}
