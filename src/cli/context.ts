import { resolve } from "node:path";
import { type Config, loadConfig } from "../config/load.js";
import { OPTIONS, type OptionSpec } from "../config/options.js";
import type { RunWarning } from "../pipeline/interaction.js";
import { Redactor } from "../redact.js";
import type { Io } from "./io.js";
import { createProgress, type LiveProgress } from "./progress.js";

/** Global options every command sees (set on the root program). */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
  debug?: boolean;
}

/** Handed to each command's action: the world, the global options, and a redactor. */
export interface CommandContext {
  io: Io;
  globals: GlobalOptions;
  redactor: Redactor;
  /** Load and validate configuration from file, env and these flags (flags win). */
  config(flags: Record<string, unknown>, keys?: readonly string[]): Config;
  /** Human-readable line: to stderr with --json (stdout stays one JSON document), else stdout. */
  say(line: string): void;
  /** Diagnostic line on stderr, always. */
  warn(line: string): void;
  /**
   * A warning of the run: one "Warning: …" line on stderr the first time it is given, and an
   * entry of the --json document's `warnings`.
   */
  notice(warning: RunWarning): void;
  /** The one JSON document of a --json run; the run's warnings join its `warnings`. */
  printJson(document: unknown): void;
  /** Progress on stderr (bars on a terminal); lines said while bars are live go above them. */
  progress(): LiveProgress;
  /**
   * Stops every progress display still live, restoring the terminal: before an error is
   * printed and when the command ends, whichever way it ends.
   */
  close(): void;
}

export function createContext(io: Io, globals: GlobalOptions): CommandContext {
  const redactor = new Redactor();
  const warnings: RunWarning[] = [];
  const live = new Set<LiveProgress>();
  const write = (stream: NodeJS.WritableStream, line: string) => {
    const text = `${redactor.redact(line)}\n`;
    // Bars are on stderr: a line for the same terminal goes above them, never under them.
    const terminal = stream === io.stderr || (stream === io.stdout && io.stdoutIsTTY === true);
    if (terminal && io.stderrIsTTY) {
      for (const display of live) if (display.print(text)) return;
    }
    stream.write(text);
  };
  return {
    io,
    globals,
    redactor,
    config(flags, keys) {
      const configFile = globals.config === undefined ? undefined : resolve(io.cwd, globals.config);
      const config = loadConfig({ flags, env: io.env, configFile, keys, cwd: io.cwd });
      for (const spec of OPTIONS as readonly OptionSpec[]) {
        if (spec.secret) redactor.add(config[spec.key as keyof typeof config] as string | undefined);
      }
      return config;
    },
    say(line) {
      write(globals.json ? io.stderr : io.stdout, line);
    },
    warn(line) {
      write(io.stderr, line);
    },
    notice(warning) {
      if (warnings.some((w) => w.code === warning.code && w.message === warning.message)) return;
      warnings.push({ code: warning.code, message: warning.message });
      write(io.stderr, `Warning: ${warning.message}`);
    },
    printJson(document) {
      write(io.stdout, JSON.stringify(withWarnings(document, warnings), null, 2));
    },
    progress() {
      const progress = createProgress({ stream: io.stderr, isTTY: io.stderrIsTTY });
      live.add(progress);
      return {
        task: (label, total) => progress.task(label, total),
        print: (text) => progress.print(text),
        stop() {
          live.delete(progress);
          progress.stop();
        },
      };
    },
    close() {
      for (const progress of live) progress.stop();
      live.clear();
    },
  };
}

/** A JSON document with the run's warnings added to (or as) its `warnings` list. */
function withWarnings(document: unknown, warnings: readonly RunWarning[]): unknown {
  if (warnings.length === 0 || document === null || typeof document !== "object" || Array.isArray(document))
    return document;
  const own = (document as { warnings?: unknown }).warnings;
  return { ...document, warnings: [...(Array.isArray(own) ? own : []), ...warnings] };
}
