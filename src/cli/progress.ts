import { createRequire } from "node:module";
import type cliProgress from "cli-progress";
import type { Progress, ProgressTask } from "../progress.js";
import { guardTerminal } from "./terminal.js";

/** A progress display the CLI can stop, and print above while it is live. */
export interface LiveProgress extends Progress {
  /** Ends the display: bars are drawn one last time and the terminal is restored. */
  stop(): void;
  /**
   * Writes `text` (whole lines) above live bars so neither overwrites the other; false when
   * nothing is live on a terminal and the caller should write it itself.
   */
  print(text: string): boolean;
}

/**
 * Progress on stderr: cli-progress bars (count, rate, ETA) when stderr is a terminal, plain
 * periodic lines otherwise (CI logs, pipes), so long operations always show they are alive.
 */
export function createProgress(options: {
  stream: NodeJS.WritableStream;
  isTTY: boolean;
  /** Seconds between plain lines for a task still running. */
  intervalSeconds?: number;
  now?: () => number;
}): LiveProgress {
  return options.isTTY ? barProgress(options.stream, options.now ?? Date.now) : lineProgress(options);
}

/** What one bar shows, kept by its task; the formatter lays it out to the terminal's width. */
interface BarState {
  label: string;
  value: number;
  /** Unknown until the task names it: the bar stays empty and the count reads "12/…". */
  total: number | undefined;
  started: number;
  /** Set when the task finished: the line then says how long it took instead of an ETA. */
  finishedAt: number | undefined;
}

/** Widest bar drawn; narrower terminals get a shorter one, down to MIN_BAR. */
const MAX_BAR = 40;
const MIN_BAR = 6;
const LABEL_WIDTH = 12;

function barProgress(stream: NodeJS.WritableStream, now: () => number): LiveProgress {
  // Loaded only to draw bars on a terminal; plain lines (CI logs, pipes) need none of it.
  const bars = createRequire(import.meta.url)("cli-progress") as typeof cliProgress;
  const multibar = new bars.MultiBar({
    stream,
    format: (_options, params, payload: { state: BarState }) =>
      barLine(payload.state, params.maxWidth, now()),
    hideCursor: true,
    // Lines are fitted to the width by barLine; with wrap off a terminal never breaks one.
    linewrap: false,
    clearOnComplete: false,
    stopOnComplete: false,
    fps: 8,
  });
  let guard: { release(): void } | undefined;
  let stopped = false;
  return {
    task(label, total) {
      // The guard is set before the first bar hides the cursor.
      guard ??= guardTerminal(stream);
      const state: BarState = { label, value: 0, total, started: now(), finishedAt: undefined };
      const bar = multibar.create(total ?? 0, 0, { state });
      // Redraws come from the multibar's timer; the values only have to be current.
      const update = () => bar.update(state.value, { state });
      const task: ProgressTask = {
        tick(count = 1) {
          state.value += count;
          if (state.total !== undefined && state.total < state.value) state.total = state.value;
          update();
        },
        setTotal(newTotal) {
          state.total = Math.max(newTotal, 0);
          update();
        },
        finish() {
          if (state.total === undefined || state.total < state.value) state.total = state.value;
          state.finishedAt = now();
          update();
          bar.stop();
        },
      };
      return task;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multibar.stop();
      guard?.release();
    },
    print(text) {
      if (stopped || !multibar.isActive) return false;
      multibar.log(text.endsWith("\n") ? text : `${text}\n`);
      multibar.update();
      return true;
    },
  };
}

/**
 * One bar line that fits `width` columns (one spare, so the cursor never sits in the last
 * column). Count, rate and ETA are kept whole: the bar shrinks first, then goes, then the
 * label is cut. Only a terminal too narrow for the figures themselves loses the rate, then
 * the ETA.
 */
export function barLine(state: BarState, width: number, at: number): string {
  const seconds = Math.max(((state.finishedAt ?? at) - state.started) / 1000, 0.001);
  const count = `${state.value}/${state.total ?? "…"}`;
  const rate = `${Math.round(state.value / seconds)}/s`;
  const time = timeText(state, seconds);
  const room = Math.max(width - 1, 0);
  const label = state.label.padEnd(LABEL_WIDTH);
  const tail = `${count} | ${rate} | ${time}`;
  const barRoom = room - label.length - tail.length - 4; // " [" and "] "
  if (barRoom >= MIN_BAR) return `${label} [${bar(state, Math.min(barRoom, MAX_BAR))}] ${tail}`;
  for (const figures of [tail, `${count} | ${time}`, count]) {
    if (`${state.label} ${figures}`.length <= room) return `${state.label} ${figures}`;
    const cut = room - figures.length - 2;
    if (cut >= 1) return `${state.label.slice(0, cut)}… ${figures}`;
  }
  return count.slice(0, room);
}

/** Filled share of `size` cells; empty while the total is unknown, full once finished. */
function bar(state: BarState, size: number): string {
  const share =
    state.total === undefined
      ? 0
      : state.total === 0
        ? state.finishedAt === undefined
          ? 0
          : 1
        : state.value / state.total;
  const filled = Math.round(Math.min(Math.max(share, 0), 1) * size);
  return "\u2588".repeat(filled) + "\u2591".repeat(size - filled);
}

/** "ETA 12s" while running ("ETA …" until it can be told), "done in 3.2s" once finished. */
function timeText(state: BarState, seconds: number): string {
  if (state.finishedAt !== undefined) return `done in ${formatSeconds(seconds)}`;
  if (state.total === undefined || state.value === 0) return "ETA …";
  const remaining = Math.max(state.total - state.value, 0);
  return `ETA ${formatSeconds((remaining / state.value) * seconds)}`;
}

function lineProgress(options: {
  stream: NodeJS.WritableStream;
  intervalSeconds?: number;
  now?: () => number;
}): LiveProgress {
  const now = options.now ?? Date.now;
  const intervalMs = (options.intervalSeconds ?? 5) * 1000;
  return {
    task(label, total) {
      const started = now();
      let lastPrinted = started;
      let value = 0;
      let knownTotal = total;
      const line = (final: boolean) => {
        const seconds = Math.max((now() - started) / 1000, 0.001);
        const of = knownTotal ? `/${knownTotal}` : "";
        const rate = Math.round(value / seconds);
        const eta =
          !final && knownTotal && value > 0
            ? `, ETA ${formatSeconds(((knownTotal - value) / value) * seconds)}`
            : "";
        const head = final ? `${label}: done, ${value}${of}` : `${label}: ${value}${of}`;
        options.stream.write(`${head} (${rate}/s${eta}${final ? `, ${formatSeconds(seconds)}` : ""})\n`);
      };
      const task: ProgressTask = {
        tick(count = 1) {
          value += count;
          const t = now();
          if (t - lastPrinted >= intervalMs) {
            lastPrinted = t;
            line(false);
          }
        },
        setTotal(newTotal) {
          knownTotal = newTotal;
        },
        finish() {
          line(true);
        },
      };
      return task;
    },
    stop() {},
    print: () => false,
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round(seconds % 60)
    .toString()
    .padStart(2, "0")}s`;
}
