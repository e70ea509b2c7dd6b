import { PlexodusError } from "../errors.js";
import { JournalWriteError } from "./journal.js";

/** What the executor does with an error from the target. */
export type ErrorAction = "retry" | "fail-action" | "stop-run";

/**
 * "transient" and "unreachable" are retried; "failed" fails only this action; "auth" (a key
 * revoked mid-run), a journal that cannot be written, and anything unexpected stop the run.
 */
export function classify(error: unknown): ErrorAction {
  if (error instanceof JournalWriteError || !(error instanceof PlexodusError)) return "stop-run";
  switch (error.category) {
    case "transient":
    case "unreachable":
      return "retry";
    case "failed":
      return "fail-action";
    default:
      return "stop-run";
  }
}

/** The server's Retry-After an error carries, when it is a wait worth honouring. */
export function retryAfterOf(error: unknown): number | undefined {
  const ms = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === "number" && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
