import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Scenario } from "../../sample/scenario.js";
import { OWNER_ACCOUNT, type PlexData, plexData } from "./data.js";
import { readDatabaseCopy } from "./database.js";
import {
  collectionMembers,
  ofType,
  playlistEntries,
  renderCollection,
  renderItem,
  renderPlaylist,
  renderSections,
} from "./render.js";

/**
 * What to serve: a scenario (src/sample), or a Plex library database read into one (from a
 * private copy: the person's file is left exactly as it was).
 */
export type PlexSandboxSource = { scenario: Scenario } | { databasePath: string };

export type PlexSandboxOptions = PlexSandboxSource & {
  /** The owner's token to accept (default: random). */
  token?: string;
  /** Port on 127.0.0.1 (default 0: chosen by the OS). */
  port?: number;
  serverName?: string;
};

export interface PlexRequestLogEntry {
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface PlexSandbox {
  url: string;
  token: string;
  machineIdentifier: string;
  /** Every request answered, in order (never the token). */
  requests: PlexRequestLogEntry[];
  stop(): Promise<void>;
}

export const PLEX_SANDBOX_VERSION = "1.41.3.9314-a0bfb8370";

/**
 * A Plex Media Server personality on loopback: the read endpoints plexodus uses (§10), JSON
 * in a `MediaContainer`, paging by `X-Plex-Container-Start`/`-Size` (query or headers) with
 * `totalSize`, and `X-Plex-Token` auth (401 without it or with a wrong one). The token is the
 * owner's: listings carry the owner's state and the history feed holds every account.
 */
export async function startPlexSandbox(options: PlexSandboxOptions): Promise<PlexSandbox> {
  const data = plexData("scenario" in options ? options.scenario : readDatabaseCopy(options.databasePath));
  const token = options.token ?? randomBytes(12).toString("base64url");
  const machineIdentifier = `sandbox-${randomBytes(8).toString("hex")}`;
  const requests: PlexRequestLogEntry[] = [];
  const context: Context = {
    data,
    identity: {
      machineIdentifier,
      friendlyName: options.serverName ?? "Plex Sandbox",
      version: PLEX_SANDBOX_VERSION,
    },
  };
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    const given = header(request, "x-plex-token") ?? query["X-Plex-Token"];
    delete query["X-Plex-Token"];
    // Like Plex, /identity answers without a token: what lets a client tell it is Plex.
    const open = url.pathname.replace(/\/+$/, "") === "/identity";
    const answer = open || given === token ? route(context, url.pathname, query, request) : unauthorized();
    requests.push({ path: url.pathname, query, status: answer.status });
    send(response, answer);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    machineIdentifier,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Context {
  data: PlexData;
  identity: { machineIdentifier: string; friendlyName: string; version: string };
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function route(
  context: Context,
  path: string,
  query: Record<string, string>,
  request: IncomingMessage,
): Answer {
  const { data } = context;
  const clean = path.replace(/\/+$/, "") || "/";
  const page = paging(query, request);
  const param = (pattern: RegExp) => pattern.exec(clean)?.[1];
  const sectionAll = param(/^\/library\/sections\/([^/]+)\/all$/);
  const sectionCollections = param(/^\/library\/sections\/([^/]+)\/collections$/);
  const collectionChildren = param(/^\/library\/collections\/([^/]+)\/children$/);
  const playlistItems = param(/^\/playlists\/([^/]+)\/items$/);
  if (clean === "/") return ok({ size: 0, ...context.identity });
  if (clean === "/identity") {
    const { machineIdentifier, version } = context.identity;
    return ok({ size: 0, claimed: true, machineIdentifier, version });
  }
  if (clean === "/accounts") {
    // Plex lists a blank system account 0 before the real ones.
    const accounts = [{ id: 0, name: "" }, ...data.scenario.accounts.filter((a) => a.id !== 0)];
    return ok({ size: accounts.length, Account: accounts.map((a) => ({ ...a, key: `/accounts/${a.id}` })) });
  }
  if (clean === "/library/sections") {
    const sections = renderSections(data);
    return ok({ size: sections.length, Directory: sections });
  }
  if (sectionAll !== undefined) {
    if (!data.scenario.sections.some((s) => String(s.id) === sectionAll)) return notFound();
    const type = query.type === undefined ? undefined : Number(query.type);
    const items = [...data.items.values()].filter(
      (item) => String(item.sectionId) === sectionAll && ofType(type)(item),
    );
    const guids = query.includeGuids === "1";
    return paged(items, page, (item) => renderItem(data, item, guids));
  }
  if (sectionCollections !== undefined) {
    const lists = byId(data.scenario.collections).filter((c) => String(c.sectionId) === sectionCollections);
    return paged(lists, page, (c) => renderCollection(data, c));
  }
  if (collectionChildren !== undefined) {
    const collection = data.scenario.collections.find((c) => String(c.id) === collectionChildren);
    if (!collection) return notFound();
    return paged(collectionMembers(data, collection), page, (item) => renderItem(data, item, false));
  }
  if (clean === "/playlists") {
    return paged(ownPlaylists(data), page, (p) => renderPlaylist(data, p));
  }
  if (playlistItems !== undefined) {
    // Only the token user's playlists exist for this token.
    const playlist = ownPlaylists(data).find((p) => String(p.id) === playlistItems);
    if (!playlist) return notFound();
    return paged(playlistEntries(data, playlist), page, (item, i) => ({
      ...renderItem(data, item, false),
      playlistItemID: 10_000 + i,
    }));
  }
  if (clean === "/status/sessions/history/all") return history(data, query, page);
  return notFound();
}

function history(data: PlexData, query: Record<string, string>, page: Page): Answer {
  let rows = data.history;
  if (query.accountID !== undefined) rows = rows.filter((row) => String(row.accountId) === query.accountID);
  if (query.sort === "viewedAt:desc") rows = [...rows].reverse();
  return paged(rows, page, (row) => {
    const item = data.itemOfGuid.get(row.guid);
    return {
      historyKey: `/status/sessions/history/${row.id}`,
      // Plays of media that is gone carry no usable ratingKey [UNCERTAIN in the reference].
      ...(item
        ? {
            key: `/library/metadata/${item.id}`,
            ratingKey: String(item.id),
            type: item.kind,
            title: item.title,
            librarySectionID: String(item.sectionId),
          }
        : {}),
      viewedAt: row.viewedAt,
      accountID: row.accountId,
      deviceID: 1,
    };
  });
}

function ownPlaylists(data: PlexData) {
  return byId(data.scenario.playlists).filter((p) => p.ownerAccountId === OWNER_ACCOUNT);
}

function byId<T extends { id: number }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => a.id - b.id);
}

interface Page {
  start: number;
  size: number | null;
}

function paging(query: Record<string, string>, request: IncomingMessage): Page {
  const start = Number(query["X-Plex-Container-Start"] ?? header(request, "x-plex-container-start") ?? 0);
  const size = query["X-Plex-Container-Size"] ?? header(request, "x-plex-container-size");
  return {
    start: Number.isInteger(start) && start >= 0 ? start : 0,
    size: size === undefined || !/^\d+$/.test(size) ? null : Number(size),
  };
}

function paged<T>(all: readonly T[], page: Page, render: (entry: T, index: number) => unknown): Answer {
  const end = page.size === null ? all.length : page.start + page.size;
  const slice = all.slice(page.start, end);
  return {
    status: 200,
    body: {
      MediaContainer: {
        size: slice.length,
        totalSize: all.length,
        offset: page.start,
        Metadata: slice.map((entry, i) => render(entry, page.start + i)),
      },
    },
    headers: {
      "X-Plex-Container-Start": String(page.start),
      "X-Plex-Container-Total-Size": String(all.length),
    },
  };
}

function ok(container: Record<string, unknown>): Answer {
  return { status: 200, body: { MediaContainer: container } };
}

function notFound(): Answer {
  return {
    status: 404,
    body: "<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
  };
}

function unauthorized(): Answer {
  return {
    status: 401,
    body: "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(response: ServerResponse, answer: Answer): void {
  const json = typeof answer.body !== "string";
  const text = json ? JSON.stringify(answer.body) : (answer.body as string);
  response.writeHead(answer.status, {
    "Content-Type": json ? "application/json" : "text/html",
    "Content-Length": Buffer.byteLength(text),
    ...answer.headers,
  });
  response.end(text);
}
