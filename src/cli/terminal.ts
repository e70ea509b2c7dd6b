/**
 * Progress bars on a terminal hide the cursor and turn line wrap off (cli-progress does both
 * while bars are live). Whatever way the process ends — a normal end, an error, Ctrl-C once
 * or twice, SIGTERM, an uncaught error — both must be on again, or the person's shell is left
 * without a cursor and with long lines cut at the right edge.
 */
export const SHOW_CURSOR = "\x1b[?25h";
export const WRAP_ON = "\x1b[?7h";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Terminals with live bars. Signals and exit are process-wide, so one set of listeners serves
 * every guarded stream; it is there only while some stream is guarded.
 */
const guarded = new Set<{ stream: NodeJS.WritableStream }>();

function restoreAll(): void {
  // Writes to a terminal are synchronous, so this reaches it before the process is gone.
  for (const stream of new Set([...guarded].map((entry) => entry.stream))) {
    stream.write(SHOW_CURSOR + WRAP_ON);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles the signal (the interrupt handler of a run of writes): the exit
  // hook covers the exit that may follow.
  if (process.listenerCount(signal) > 1) return;
  restoreAll();
  guarded.clear();
  detach();
  // Raised again with no listener left, the signal ends the process as it would have.
  process.kill(process.pid, signal);
}

function attach(): void {
  process.on("exit", restoreAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function detach(): void {
  process.off("exit", restoreAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Restores cursor and line wrap on `stream` when the process exits, and on SIGINT/SIGTERM
 * that nobody else handles. The returned release is for bars that stopped normally (they
 * restored the terminal themselves).
 */
export function guardTerminal(stream: NodeJS.WritableStream): { release(): void } {
  if (guarded.size === 0) attach();
  const entry = { stream };
  guarded.add(entry);
  return {
    release() {
      if (!guarded.delete(entry)) return;
      if (guarded.size === 0) detach();
    },
  };
}
