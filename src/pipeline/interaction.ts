import type { TargetServerInfo } from "../model/index.js";
import type { Plan } from "../planner/index.js";
import type { Progress } from "../progress.js";
import type { RollbackPreview } from "./rollback.js";

/** What the pipeline may ask the person before writing; the CLI words the question. */
export type Question =
  | { kind: "apply"; plan: Plan; target: TargetServerInfo }
  | { kind: "rollback"; journalPath: string; target: TargetServerInfo; preview: RollbackPreview };

/**
 * A warning that belongs to the run's result: shown once on stderr and carried in the --json
 * document's `warnings` (`code` is stable for scripts, `message` is one line for people).
 */
export interface RunWarning {
  code: string;
  message: string;
}

/**
 * The person's side of a pipeline run, passed in by the CLI (tests pass their own). The
 * pipeline prints nothing: it reports progress, asks, listens for Ctrl-C and hands over
 * warnings through this, and returns what it did as data.
 */
export interface Interaction {
  /** A progress display for one phase; the pipeline stops it when the phase ends. */
  progress(): Progress & { stop(): void };
  /** Interrupt handling for the span of a run of writes: once aborted, start no new work. */
  interrupt(): { signal: AbortSignal; dispose(): void };
  /** Whether to go ahead; asked only when there is something to write. */
  confirm(question: Question): Promise<boolean>;
  /** A diagnostic line the person must see (e.g. TLS checks are off). */
  warn(line: string): void;
  /** A warning of the run (e.g. a server newer than plexodus knows); repeats are shown once. */
  notice(warning: RunWarning): void;
}
