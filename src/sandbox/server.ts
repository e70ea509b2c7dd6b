import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import { type AuthSettings, credentialForms, resolveCaller } from "./auth.js";
import { Deadlines } from "./deadlines.js";
import type { Faults } from "./faults.js";
import { badRequest, forbidden, HttpError, notFound, renderError, unauthorized } from "./http-error.js";
import type { UserDataNotifier } from "./notifier.js";
import {
  jellyfinAtLeast,
  type Personality,
  type Reply,
  type Route,
  type RouteContext,
} from "./personality.js";
import { QueryParams } from "./query.js";
import type { Store } from "./store.js";
import type { SpecValidator } from "./validate.js";

export interface RequestLogEntry {
  method: string;
  /** Path as the client sent it (before any /emby prefix is stripped). */
  path: string;
  query: Record<string, string | string[]>;
  /** 0 when no answer was sent (reset or hang). */
  status: number;
  /** Milliseconds since the epoch. */
  at: number;
  write: boolean;
  fault?: "503" | "reset" | "hang";
  /** The credential forms the request carried, without values (auth.ts credentialForms). */
  credentials: string[];
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
  literals: number;
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  let literals = 0;
  const source = route.path
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]!.toLowerCase());
        return "([^/]+)";
      }
      if (segment) literals++;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}/?$`, "i"), names, literals };
}

export interface ServerDeps {
  personality: Personality;
  store: Store;
  validator: SpecValidator;
  validate: boolean;
  faults: Faults;
  auth: AuthSettings;
  requests: RequestLogEntry[];
  violations: string[];
  now: () => Date;
  /** Jellyfin's user-data change notifier (notifier.ts), where modelled (10.9 and later). */
  notifier?: UserDataNotifier;
  baseUrl: () => string;
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer } | undefined;
}

/** The HTTP front: prefix stripping, faults, routing, auth, spec binding, rendering, logging. */
export class SandboxServer {
  private readonly routes: CompiledRoute[];
  private server: Server | HttpsServer | undefined;
  private readonly sockets = new Set<Socket>();
  private traceCounter = 0;
  /** Jellyfin 12.0 or later: decided once, not per request (comparing versions is not free). */
  private readonly jellyfin12: boolean;
  /** When answers are due (the latency), kept to a fraction of a millisecond. */
  private readonly deadlines = new Deadlines();

  constructor(private readonly deps: ServerDeps) {
    // Literal routes win over templated ones ("/Users/Query" before "/Users/{Id}").
    this.routes = deps.personality.routes.map(compile).sort((a, b) => b.literals - a.literals);
    this.jellyfin12 = jellyfinAtLeast(deps.personality, "12.0");
  }

  async listen(port: number, host: string): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      void this.handle(req, res);
    };
    const tls = this.deps.tls;
    const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
    server.on("connection", (socket) => {
      if (this.server !== server) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("sandbox: no TCP address");
    return address.port;
  }

  /** Closes the listener and drops every open connection (in-flight requests get no answer). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Stop accepting first, then drop every connection (open, idle keep-alive, or just
    // accepted): close() only resolves once none is left.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    // Answers still waiting out their latency find their connection gone.
    this.deadlines.close();
    await closed;
  }

  private allowed(path: string): string {
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.route.method))].join(
      ", ",
    );
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const compiled of this.routes) {
      if (compiled.route.method !== method) continue;
      const m = compiled.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      compiled.names.forEach((name, index) => {
        params[name] = decodeURIComponent(m[index + 1]!);
      });
      return { route: compiled.route, params };
    }
    return null;
  }

  /**
   * Latency is how long after a request arrived its answer leaves, like a server that takes
   * that long: the sandbox's own work (routing, checks, JSON) happens inside that time, not
   * on top of it, so `--latency 20` answers in 20 ms, not 20 ms plus the sandbox's handling
   * and its timer's lateness. Handling that takes longer is answered when done.
   */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const { deps } = this;
    const url = new URL(req.url ?? "/", "http://sandbox");
    const method = (req.method ?? "GET").toUpperCase();
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      query: queryObject(url.searchParams),
      status: 0,
      at: Date.now(),
      write: method !== "GET" && method !== "HEAD",
      credentials: credentialForms(req.headers, url.searchParams),
    };
    deps.requests.push(entry);
    const rawBody = await readBody(req);
    const decision = deps.faults.decide(method, url.pathname);
    const due = arrived + decision.delayMs;
    if (decision.action === "hang") {
      entry.fault = "hang";
      return;
    }
    if (decision.action === "reset") {
      await this.deadlines.until(due);
      entry.fault = "reset";
      req.socket.destroy();
      return;
    }
    if (decision.action === "503") {
      await this.deadlines.until(due);
      entry.fault = "503";
      entry.status = 503;
      res.writeHead(503, {
        "Retry-After": String(deps.faults.retryAfterSeconds),
        "Content-Type": "text/html",
      });
      res.end("<html><body>Server is starting or temporarily unavailable</body></html>");
      return;
    }
    const reply = await this.answer(method, url, req, rawBody);
    // Rendered before the wait, so that only sending is left when the answer is due.
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload = "";
    if (reply.json !== undefined) {
      headers["Content-Type"] ??= "application/json; charset=utf-8";
      payload = JSON.stringify(reply.json);
    } else if (reply.text !== undefined) {
      headers["Content-Type"] ??= "text/plain; charset=utf-8";
      payload = reply.text;
    }
    await this.deadlines.until(due);
    entry.status = reply.status;
    if (res.destroyed) return;
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private async answer(method: string, url: URL, req: IncomingMessage, rawBody: string): Promise<Reply> {
    const { deps } = this;
    const p = deps.personality;
    // Jellyfin 10.8–10.11 strip a leading /emby or /mediabrowser; Emby serves both forms.
    // Jellyfin 12.0 deleted that middleware, so such paths find no route (target-apis §12.2).
    const path = this.jellyfin12
      ? url.pathname
      : url.pathname.replace(/^\/(emby|mediabrowser)(?=\/|$)/i, "") || "/";
    const query = new QueryParams(url.searchParams, p.kind === "jellyfin");
    try {
      const found = this.match(method, path);
      if (!found) {
        if (deps.validate) deps.violations.push(`${method} ${path}: no such route on ${p.kind} ${p.version}`);
        // ASP.NET routing answers 405 when the path exists for another method.
        if (p.kind === "jellyfin" && this.routes.some((r) => r.pattern.test(path))) {
          return { status: 405, headers: { Allow: this.allowed(path) } };
        }
        throw notFound();
      }
      const { route, params } = found;
      const { caller, client } = resolveCaller(req.headers, query, p, deps.store, deps.auth);
      if (route.auth !== "none" && caller === null) throw unauthorized();
      if (route.auth === "admin" && !caller?.isAdmin) throw forbidden();
      const contentType = String(req.headers["content-type"] ?? "");
      let body: unknown;
      if (rawBody.trim() !== "") {
        if (contentType.includes("application/x-www-form-urlencoded")) {
          body = Object.fromEntries(new URLSearchParams(rawBody));
        } else {
          try {
            body = JSON.parse(rawBody);
          } catch {
            throw p.kind === "jellyfin"
              ? badRequest("The request body is not valid JSON.")
              : badRequest("Invalid JSON");
          }
        }
      }
      const operation = route.operation ?? `${route.method} ${route.path}`;
      const check = deps.validator.checkRequest(
        operation,
        params,
        query,
        body,
        rawBody.trim() !== "",
        req.headers,
        route.extraParams,
      );
      if (deps.validate) deps.violations.push(...check.violations);
      if (check.rejection) throw check.rejection;
      const context: RouteContext = {
        personality: p,
        store: deps.store,
        caller,
        authClient: client,
        baseUrl: deps.baseUrl(),
        params,
        query,
        body: check.body,
        rawBody,
        contentType,
        now: deps.now,
        ...(deps.notifier ? { notifier: deps.notifier } : {}),
      };
      const reply = await route.handler(context);
      if (reply.status === 204) reply.status = deps.validator.voidStatus(operation);
      if (deps.validate) {
        deps.violations.push(
          ...deps.validator.checkResponse(operation, reply.status, reply.json, route.responseSchema),
        );
      }
      return reply;
    } catch (error) {
      if (!(error instanceof HttpError)) {
        deps.violations.push(`${method} ${path}: sandbox bug: ${(error as Error).stack ?? String(error)}`);
        return { status: 500, text: "Error processing request." };
      }
      const rendered = renderError(p, error, `00-${(++this.traceCounter).toString(16).padStart(32, "0")}-01`);
      const reply: Reply = { status: rendered.status, headers: {} };
      if (rendered.contentType !== "") reply.headers!["Content-Type"] = rendered.contentType;
      if (rendered.body !== "") reply.text = rendered.body;
      // Observed on 12.0.0: its 401 carries no WWW-Authenticate.
      if (rendered.status === 401 && p.kind === "jellyfin" && !this.jellyfin12)
        reply.headers!["WWW-Authenticate"] = "CustomAuthentication";
      return reply;
    }
  }
}

const SECRET_PARAMS = new Set(["api_key", "apikey"]);

/** Query as logged: repeated names keep every value; credentials are masked. */
function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, raw] of search) {
    const value = SECRET_PARAMS.has(name.toLowerCase()) ? "***" : raw;
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}
