import cliProgress from "cli-progress";
import type { Progress, ProgressTask } from "../progress.js";

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
}): Progress & { stop(): void } {
  return options.isTTY ? barProgress(options.stream) : lineProgress(options);
}

function barProgress(stream: NodeJS.WritableStream): Progress & { stop(): void } {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      format: "{label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    task(label, total) {
      const started = Date.now();
      let value = 0;
      const bar = multibar.create(total ?? 0, 0, { label: label.padEnd(10), rate: "0" });
      const update = () => {
        const seconds = (Date.now() - started) / 1000;
        bar.update(value, { label: label.padEnd(10), rate: seconds > 0 ? Math.round(value / seconds) : 0 });
      };
      return {
        tick(count = 1) {
          value += count;
          if (bar.getTotal() < value) bar.setTotal(value);
          update();
        },
        setTotal(newTotal) {
          bar.setTotal(newTotal);
          update();
        },
        finish() {
          if (bar.getTotal() < value || bar.getTotal() === 0) bar.setTotal(value);
          update();
          bar.stop();
        },
      };
    },
    stop() {
      multibar.stop();
    },
  };
}

function lineProgress(options: {
  stream: NodeJS.WritableStream;
  intervalSeconds?: number;
  now?: () => number;
}): Progress & { stop(): void } {
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
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round(seconds % 60)
    .toString()
    .padStart(2, "0")}s`;
}
