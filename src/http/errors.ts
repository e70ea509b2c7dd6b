import { type ErrorCategory, PlexodusError } from "../errors.js";

/**
 * Who is at the other end of an HttpClient, so that its errors name the right server and the
 * options that fix them: the target (Jellyfin, Emby), Plex, Tautulli.
 */
export interface Service {
  /** "Jellyfin", "Emby", "Plex", "Tautulli"; "target" while the kind is not known yet. */
  readonly name: string;
  /** The credential in the server's words: "API key", "token". */
  readonly credential: string;
  /** Flag and environment variable that carry it: "--plex-token / PLEXODUS_PLEX_TOKEN". */
  readonly credentialOption: string;
  /** What a valid credential is and where to find it; follows "Check <credentialOption>: ". */
  readonly credentialHelp: string;
  /** Flag and environment variable of the URL: "--plex-url / PLEXODUS_PLEX_URL". */
  readonly urlOption: string;
  /** What the URL holds; in parentheses after urlOption: "scheme, host and port, usually 32400". */
  readonly urlParts: string;
}

/**
 * An error from talking to a server over HTTP. `status` is the HTTP status when the server
 * answered; `retryAfterMs` is what its Retry-After header asked for (transient errors only).
 */
export class ServiceError extends PlexodusError {
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
    this.name = "ServiceError";
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

/** "the Plex server http://nas:32400": how every message names the other end. */
export function serverLabel(service: Service, serverUrl: string): string {
  return `the ${service.name} server ${serverUrl}`;
}

export function authError(service: Service, serverUrl: string, status: number, what: string): ServiceError {
  return new ServiceError(
    "auth",
    `${serverLabel(service, serverUrl)} refused the ${service.credential} (HTTP ${status}) on ${what}`,
    { status, hint: `Check ${service.credentialOption}: ${service.credentialHelp}` },
  );
}

export function unreachableError(
  service: Service,
  serverUrl: string,
  reason: string,
  options: { cause?: unknown; retryable?: boolean } = {},
): ServiceError {
  return new ServiceError("unreachable", `cannot reach ${serverLabel(service, serverUrl)}: ${reason}`, {
    ...options,
    hint:
      `Check ${service.urlOption} (${service.urlParts}), that the ${service.name} server is running and ` +
      "that no firewall or proxy is in the way. For HTTPS with a private CA use --ca-file.",
  });
}
