import { jellyfinAtLeast, type Personality } from "./personality.js";

/**
 * Failures a handler raises, named after what the real server does, so each personality can
 * render them its way (Jellyfin: ProblemDetails or text/plain by origin; Emby: text/plain).
 */
export type HttpFailure =
  /** ASP.NET `NotFound()`: empty ProblemDetails on Jellyfin. */
  | "not-found"
  /** A handler that returns NotFound("message"): plain string body. */
  | "not-found-text"
  /** Model binding / [ApiController] validation: ValidationProblemDetails. */
  | "invalid"
  /** ArgumentException in business logic → 400 text/plain. */
  | "bad-request"
  | "unauthorized"
  | "forbidden"
  /** Unhandled exception → 500 text/plain. */
  | "server-error";

export class HttpError extends Error {
  constructor(
    readonly failure: HttpFailure,
    message: string,
    /** Field → messages, for validation failures. */
    readonly errors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export const notFound = (message = "Not Found") => new HttpError("not-found", message);
export const notFoundText = (message: string) => new HttpError("not-found-text", message);
export const badRequest = (message: string) => new HttpError("bad-request", message);
export const invalid = (field: string, message: string) =>
  new HttpError("invalid", "One or more validation errors occurred.", { [field]: [message] });
export const forbidden = (message = "Error processing request.") => new HttpError("forbidden", message);
export const unauthorized = (message = "Access token is invalid or expired.") =>
  new HttpError("unauthorized", message);
export const serverError = (message = "Error processing request.") => new HttpError("server-error", message);

const STATUS: Record<HttpFailure, number> = {
  "not-found": 404,
  "not-found-text": 404,
  invalid: 400,
  "bad-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "server-error": 500,
};

export interface RenderedError {
  status: number;
  contentType: string;
  body: string;
}

const PROBLEM_TYPES: Record<number, string> = {
  400: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
  404: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
};

/** What the exception middleware sends instead of the message outside Development hosts. */
export const HIDDEN_MESSAGE = "Error processing request.";

export function renderError(
  p: Pick<Personality, "kind" | "atLeast">,
  error: HttpError,
  traceId: string,
): RenderedError {
  const kind = p.kind;
  const status = STATUS[error.failure];
  if (kind === "jellyfin" && (error.failure === "not-found" || error.failure === "invalid")) {
    const problem: Record<string, unknown> = {
      type: PROBLEM_TYPES[status],
      title: error.failure === "invalid" ? error.message : "Not Found",
      status,
      traceId,
    };
    if (error.errors) problem.errors = error.errors;
    return { status, contentType: "application/problem+json; charset=utf-8", body: JSON.stringify(problem) };
  }
  // NotFound("…") is a JSON string (observed on 12.0.0: `"Playlist not found"`, application/json).
  if (error.failure === "not-found-text" && jellyfinAtLeast(p, "12.0"))
    return { status, contentType: "application/json; charset=utf-8", body: JSON.stringify(error.message) };
  // 401 from Jellyfin's auth handler has no body; everything else is the exception's text,
  // which Jellyfin 12 keeps to itself (observed on 12.0.0: ExceptionMiddleware, production host).
  const twelve = jellyfinAtLeast(p, "12.0");
  if (kind === "jellyfin" && status === 401)
    return { status, contentType: twelve ? "" : "text/plain; charset=utf-8", body: "" };
  const hidden = twelve;
  return { status, contentType: "text/plain; charset=utf-8", body: hidden ? HIDDEN_MESSAGE : error.message };
}
