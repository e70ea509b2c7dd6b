/**
 * Errors are classified by what the user should do next, and one table maps each class
 * to an exit code of the CLI contract (shared/design/CLI.md). Code never inspects message
 * text to decide anything.
 */
export type ErrorCategory =
  /** bad usage or invalid configuration: nothing was read or written */
  | "config"
  /** the Plex database is missing, unreadable, not Plex, or unsupported */
  | "source"
  /** a server (Plex or target) could not be reached */
  | "unreachable"
  /** a server refused the credentials */
  | "auth"
  /** a server of a version plexodus does not support (older than the supported range) */
  | "unsupported"
  /** a temporary failure that survived its retries */
  | "transient"
  /** the run failed for a reason the message explains (conflicts, failed writes, bad plan…) */
  | "failed"
  /** a defect in plexodus itself */
  | "bug";

export const EXIT_CODES: Readonly<Record<ErrorCategory, number>> = Object.freeze({
  config: 3,
  source: 5,
  unreachable: 4,
  auth: 4,
  unsupported: 4,
  transient: 1,
  failed: 1,
  bug: 1,
});

/** Exit codes that are not errors. */
export const EXIT_OK = 0;
/** `plan --detailed-exitcode`: changes pending; `verify`: drift found. */
export const EXIT_CHANGES = 2;

export class PlexodusError extends Error {
  readonly category: ErrorCategory;
  /** What the user can do about it, printed after the message. */
  readonly hint: string | undefined;

  constructor(category: ErrorCategory, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PlexodusError";
    this.category = category;
    this.hint = options?.hint;
  }

  get exitCode(): number {
    return EXIT_CODES[this.category];
  }
}

export class ConfigError extends PlexodusError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super("config", message, options);
    this.name = "ConfigError";
  }
}

export class SourceError extends PlexodusError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super("source", message, options);
    this.name = "SourceError";
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof PlexodusError) return error.exitCode;
  return EXIT_CODES.bug;
}

/** One line for the terminal: message plus hint, never a stack (that is for --debug). */
export function describeError(error: unknown): string {
  if (error instanceof PlexodusError) {
    return error.hint ? `${error.message}\n  ${error.hint}` : error.message;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${message}\n  This is a bug in plexodus; rerun with --debug and report the output.`;
}
