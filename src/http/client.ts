import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { rootCertificates } from "node:tls";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { READ_RETRY as DEFAULT_RETRY, parseRetryAfter, type RetryPolicy, retryDelayMs } from "../retry.js";
import {
  authError,
  type Service,
  ServiceError,
  serverLabel,
  serverMessage,
  unreachableError,
} from "./errors.js";
import { redactCredentials } from "./redact.js";
import { type Answer, Sender, TIMED_OUT } from "./send.js";

export type QueryValue = string | number | boolean | readonly string[] | null | undefined;
export type Query = Readonly<Record<string, QueryValue>>;
export type Method = "GET" | "POST" | "DELETE";

/** What a request hook sees: never headers, so never the API key. */
export interface RequestEvent {
  method: Method;
  path: string;
  query: Readonly<Record<string, string>>;
}

/**
 * What a response hook sees once a request ended (`--log`): the URL without credentials
 * (query parameters that carry keys are masked), the status (null when no answer came) and
 * how long it took. Never headers or bodies.
 */
export interface ResponseEvent {
  method: Method;
  url: string;
  status: number | null;
  durationMs: number;
  /** The network error's code when no answer came (ECONNREFUSED, ECONNABORTED, …). */
  error?: string;
}

export interface HttpClientOptions {
  /** Who answers: messages and hints name it and the options that fix it. */
  service: Service;
  /** Server URL including any base path (`https://host/jellyfin`). */
  baseUrl: string;
  /** Sent with every request (the auth headers of the dialect). */
  headers?: Readonly<Record<string, string>>;
  /** Values that must never appear in an error message (the API key). */
  secrets?: readonly string[];
  timeoutSeconds: number;
  /** Extra CA certificate(s), PEM, trusted in addition to the system roots. */
  caFile?: string | undefined;
  /** Skip TLS verification. The caller warns loudly; this module only obeys. */
  insecure?: boolean | undefined;
  /** Upper bound of parallel requests; the keep-alive pool never opens more sockets. */
  concurrency: number;
  retry?: Partial<RetryPolicy>;
  onRequest?: (event: RequestEvent) => void;
  /** Told of every request once it ended, for `--log`. */
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  /** Injected by tests so retries do not wait in real time. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RequestOptions<T> {
  query?: Query;
  body?: unknown;
  /** Zod schema of the expected response body; without it the body is ignored. */
  schema?: z.ZodType<T>;
}

const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
]);

/** Comma-joined arrays: both servers accept them (Emby only them). */
export function encodeQuery(query: Query | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    out[key] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return out;
}

/**
 * The one HTTP client, for the target, Plex and Tautulli alike: classification of every
 * failure into a PlexodusError category, retries of reads, redaction, messages that name the
 * service. Writes are sent once: the executor re-checks the target and retries whole actions,
 * so a creation that timed out is never sent twice blindly.
 */
export class HttpClient {
  /** Base URL for messages: no credentials, no trailing slash. */
  readonly serverUrl: string;
  readonly service: Service;
  /** Reads follow redirects (a proxy's http → https, a missing trailing slash). */
  private readonly reads: AxiosInstance;
  /**
   * Writes never do: follow-redirects turns a POST answered 301 or 302 into a GET (the write
   * is lost and the GET's answer read as its result), and following costs about a third of
   * the client's CPU per request. A redirected write is reported instead (redirectError).
   * Without a proxy they go out on node:http directly (`sender`: a third of axios's CPU per
   * request, and headers and body in one packet); through a proxy, axios finds and uses it.
   */
  private readonly writes: AxiosInstance | Sender;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly retry: RetryPolicy;
  private readonly secrets: readonly string[];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onRequest: ((event: RequestEvent) => void) | undefined;
  private readonly onResponse: ((event: ResponseEvent) => void) | undefined;
  /** Once the server has answered anything, connection failures are transient, not "unreachable". */
  private reached = false;

  constructor(options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    this.serverUrl = url.toString().replace(/\/+$/, "");
    this.service = options.service;
    const ca = options.caFile === undefined ? undefined : [...rootCertificates, readCa(options.caFile)];
    // Small requests on kept-alive sockets: no Nagle delay, one socket per request in flight.
    // TCP keep-alive probes after a minute, as axios sets on every request: with the agent's own
    // default (1 s) the two alternated and each request paid two socket option calls for it.
    const pool = {
      keepAlive: true,
      keepAliveMsecs: 60_000,
      noDelay: true,
      maxSockets: Math.max(1, options.concurrency),
    };
    this.agents = {
      http: new http.Agent(pool),
      https: new https.Agent({ ...pool, ca, rejectUnauthorized: options.insecure !== true }),
    };
    const headers = { Accept: "application/json", ...options.headers };
    const proxied = proxyInEnvironment(url.protocol);
    const defaults = {
      baseURL: this.serverUrl,
      timeout: options.timeoutSeconds * 1000,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      headers,
      validateStatus: () => true,
      responseType: "json" as const,
      // axios looks for a proxy in the environment on every request; with none set, once here.
      ...(proxied ? {} : { proxy: false as const }),
    };
    this.reads = axios.create(defaults);
    const agent = url.protocol === "https:" ? this.agents.https : this.agents.http;
    this.writes = proxied
      ? axios.create({ ...defaults, maxRedirects: 0 })
      : new Sender(url, agent, options.timeoutSeconds * 1000, headers);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.secrets = options.secrets ?? [];
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.onRequest = options.onRequest;
    this.onResponse = options.onResponse;
  }

  get<T>(path: string, options: RequestOptions<T> = {}): Promise<T> {
    return this.request("GET", path, options);
  }

  post<T>(path: string, options: RequestOptions<T> = {}): Promise<T> {
    return this.request("POST", path, options);
  }

  delete<T>(path: string, options: RequestOptions<T> = {}): Promise<T> {
    return this.request("DELETE", path, options);
  }

  async request<T>(method: Method, path: string, options: RequestOptions<T>): Promise<T> {
    // Only reads are repeated: a write whose answer was lost may have happened.
    const attempts = method === "GET" ? Math.max(1, this.retry.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, options);
      } catch (error) {
        const retryable =
          error instanceof ServiceError &&
          (error.category === "transient" || error.retryable) &&
          attempt < attempts &&
          (error.retryAfterMs ?? 0) <= this.retry.maxRetryAfterMs;
        if (!retryable) throw error;
        await this.sleep(retryDelayMs(attempt, this.retry, error.retryAfterMs, this.random));
      }
    }
  }

  /** Closes idle keep-alive sockets so the process (or a test) can end. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async once<T>(method: Method, path: string, options: RequestOptions<T>): Promise<T> {
    const params = encodeQuery(options.query);
    this.onRequest?.({ method, path, query: params });
    const what = `${method} ${path}`;
    let response: Answer | AxiosResponse<unknown>;
    const started = performance.now();
    try {
      const instance = method === "GET" ? this.reads : this.writes;
      response =
        instance instanceof Sender
          ? await instance.send(method, path, params, options.body)
          : await instance.request({ method, url: path, params, data: options.body });
    } catch (error) {
      this.tell(method, path, params, null, started, errorCode(error) || "error");
      throw this.networkError(error, what);
    }
    this.tell(method, path, params, response.status, started);
    this.reached = true;
    const { status } = response;
    if (status >= 200 && status < 300) return this.parse(response.data, options.schema, what);
    if (status === 401 || status === 403) throw authError(this.service, this.serverUrl, status, what);
    if (status >= 300 && status < 400 && method !== "GET") throw this.redirectError(response, what);
    const detail = this.redact(serverMessage(response.data));
    const suffix = detail ? `: ${detail}` : "";
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
      throw new ServiceError("transient", `${this.server} answered HTTP ${status} to ${what}${suffix}`, {
        status,
        retryAfterMs,
        hint: "The server is busy or starting; rerun later (the journal keeps what already succeeded).",
      });
    }
    throw new ServiceError("failed", `${this.server} refused ${what} (HTTP ${status})${suffix}`, {
      status,
    });
  }

  private parse<T>(data: unknown, schema: z.ZodType<T> | undefined, what: string): T {
    if (schema === undefined) return undefined as T;
    const result = schema.safeParse(data === "" ? undefined : data);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new ServiceError(
      "failed",
      `unexpected answer from ${this.server} to ${what}${where}: ${this.redact(issue?.message ?? "invalid")}`,
      {
        hint: "The server's answer does not have the shape plexodus expects; report it with the server version.",
      },
    );
  }

  /**
   * A write answered with a redirect: not followed (see `writes`), and the run stops, since
   * every later write would be redirected alike. The fix is the address the server sends
   * writes to, named from its Location header.
   */
  private redirectError(response: Answer | AxiosResponse<unknown>, what: string): ServiceError {
    const { status } = response;
    const location: unknown = response.headers.location;
    let target = "";
    if (typeof location === "string" && location !== "") {
      try {
        const url = new URL(location, `${this.serverUrl}/`);
        url.username = "";
        url.password = "";
        url.search = "";
        url.hash = "";
        target = this.redact(url.toString());
      } catch {
        target = this.redact(location);
      }
    }
    const where = target === "" ? "" : ` to ${target}`;
    return new ServiceError(
      "config",
      `${this.server} redirected ${what} (HTTP ${status})${where}; plexodus does not follow redirects of writes`,
      {
        status,
        hint:
          `Set ${this.service.urlOption} to the address the server answers at without redirecting` +
          `${target === "" ? "" : ` (the scheme, host, port and base path of ${target})`}, then rerun: ` +
          "the journal keeps what already succeeded.",
      },
    );
  }

  private networkError(error: unknown, what: string): ServiceError {
    const code = errorCode(error);
    const raw = error instanceof Error ? error.message : String(error);
    // A sanitized cause: the axios error holds the request headers, hence the key.
    const cause = new Error(this.redact(`${code} ${raw}`.trim()));
    const timedOut = code === TIMED_OUT || code === "ETIMEDOUT";
    const reason = this.redact(timedOut ? `timed out (${what})` : raw);
    if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(code)) {
      return unreachableError(this.service, this.serverUrl, `TLS verification failed: ${reason}`, { cause });
    }
    if (!this.reached) {
      // A timeout is retried (the server may be starting); a refused connection is not:
      // the address is wrong or nothing runs there.
      return unreachableError(this.service, this.serverUrl, reason, { cause, retryable: timedOut });
    }
    if (code === "ECONNREFUSED") {
      // The server answered before and now refuses connections: it stopped or is restarting.
      // Retried like a dropped connection, but once retries run out the run stops (exit 4)
      // instead of failing every remaining action one by one.
      return new ServiceError("unreachable", `${this.server} stopped accepting connections (${what})`, {
        cause,
        retryable: true,
        hint: "Check that the server is running, then rerun: the journal keeps what already succeeded.",
      });
    }
    return new ServiceError("transient", `lost connection to ${this.server} during ${what}: ${reason}`, {
      cause,
      retryable: timedOut,
      hint: "Rerun to continue: the journal keeps what already succeeded.",
    });
  }

  private tell(
    method: Method,
    path: string,
    params: Record<string, string>,
    status: number | null,
    started: number,
    error?: string,
  ): void {
    if (!this.onResponse) return;
    const query = new URLSearchParams(params).toString();
    const url = this.redact(`${this.serverUrl}${path}${query ? `?${query}` : ""}`);
    const durationMs = Math.round(performance.now() - started);
    this.onResponse({ method, url, status, durationMs, ...(error === undefined ? {} : { error }) });
  }

  /** "the Jellyfin server https://host/jellyfin", for messages. */
  private get server(): string {
    return serverLabel(this.service, this.serverUrl);
  }

  private redact(text: string): string {
    return redactCredentials(text, this.secrets);
  }
}

/**
 * Whether a proxy variable that axios (through proxy-from-env) would use for this protocol
 * is set: `<protocol>_proxy` or `all_proxy`, in lower or upper case. When none is, no request
 * goes through a proxy, whatever NO_PROXY says.
 */
export function proxyInEnvironment(protocol: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const scheme = protocol.replace(/:$/, "").toLowerCase();
  return [`${scheme}_proxy`, "all_proxy"].some((name) => (env[name] || env[name.toUpperCase()] || "") !== "");
}

/** The network error's code, from axios or from Node ("" when it has none). */
function errorCode(error: unknown): string {
  if (axios.isAxiosError(error)) return error.code ?? "";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function readCa(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read --ca-file ${file}: ${(error as Error).message}`);
  }
}
