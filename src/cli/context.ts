import { resolve } from "node:path";
import { type Config, loadConfig } from "../config/load.js";
import { OPTIONS, type OptionSpec } from "../config/options.js";
import { ConfigError } from "../errors.js";
import { RunLog } from "../log.js";
import { Redactor } from "../redact.js";
import type { Io } from "./io.js";

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
  /** The one JSON document of a --json run. */
  printJson(document: unknown): void;
  /** The `--log` file, opened on first use (relative to the working folder). */
  log(path: string): RunLog;
  /** Flushes and closes what the command opened (the log); the program calls it last. */
  close(): void;
}

export function createContext(io: Io, globals: GlobalOptions): CommandContext {
  const redactor = new Redactor();
  let runLog: RunLog | undefined;
  const write = (stream: NodeJS.WritableStream, line: string) => stream.write(`${redactor.redact(line)}\n`);
  return {
    io,
    globals,
    redactor,
    config(flags, keys) {
      const config = loadConfig({ flags, env: io.env, configFile: globals.config, keys });
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
    printJson(document) {
      write(io.stdout, JSON.stringify(document, null, 2));
    },
    log(path) {
      if (runLog) return runLog;
      const file = resolve(io.cwd, path);
      try {
        runLog = new RunLog(file, (text) => redactor.redact(text));
      } catch (error) {
        throw new ConfigError(
          `cannot open --log ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
          {
            hint: "Give --log (or PLEXODUS_LOG) a path in an existing, writable folder.",
          },
        );
      }
      return runLog;
    },
    close() {
      runLog?.close();
    },
  };
}
