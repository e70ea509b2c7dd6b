import { type ErrorCategory, PlexodusError } from "../errors.js";

/**
 * An error from talking to a target server. `status` is the HTTP status when the server
 * answered; `retryAfterMs` is what its Retry-After header asked for (transient errors only).
 */
export class TargetError extends PlexodusError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /**
   * Worth another try although not "transient": a timeout (the server may be starting or
   * overloaded), or a refused connection from a server that answered before (it may be
   * restarting). When the retries run out it stays "unreachable" (exit 4).
   */
  readonly retryable: boolean;

  constructor(
    category: ErrorCategory,
    message: string,
    options?: { hint?: string; cause?: unknown; status?: number; retryAfterMs?: number; retryable?: boolean },
  ) {
    super(category, message, options);
    this.name = "TargetError";
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
    this.retryable = options?.retryable ?? false;
  }
}

/** Longest server message quoted in an error; bodies can be whole HTML pages. */
const MAX_SERVER_MESSAGE = 300;

/**
 * The server's own words from an error body: ProblemDetails `title`/`detail`, a JSON
 * `Message`, or a text/plain body, truncated.
 */
export function serverMessage(body: unknown): string {
  let text = "";
  if (typeof body === "string") {
    text = body;
  } else if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const parts = [record.title, record.detail, record.Message, record.message].filter(
      (part): part is string => typeof part === "string" && part.length > 0,
    );
    text = parts.length > 0 ? parts.join(": ") : JSON.stringify(body);
  }
  text = text.replace(/\s+/g, " ").trim();
  return text.length > MAX_SERVER_MESSAGE ? `${text.slice(0, MAX_SERVER_MESSAGE)}…` : text;
}

export function authError(serverUrl: string, status: number, what: string): TargetError {
  return new TargetError("auth", `${serverUrl} refused the API key (HTTP ${status}) on ${what}`, {
    status,
    hint:
      "Check --target-api-key / PLEXODUS_TARGET_API_KEY: it must be an API key created by an administrator " +
      "(Jellyfin: Dashboard → API Keys; Emby: Dashboard → Advanced → Security → API Keys). " +
      "On Jellyfin 10.11 with legacy authorization disabled only the Authorization header works (plexodus sends it); " +
      "a reverse proxy that strips the Authorization header causes the same error.",
  });
}

export function unreachableError(serverUrl: string, reason: string): TargetError {
  return new TargetError("unreachable", `cannot reach ${serverUrl}: ${reason}`, {
    hint:
      "Check --target-url (scheme, host, port and any base path such as /jellyfin or /emby), that the server " +
      "is running and that no firewall or proxy is in the way. For HTTPS with a private CA use --ca-file.",
  });
}
