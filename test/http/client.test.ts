import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  HttpClient,
  type HttpClientOptions,
  proxyInEnvironment,
  type RequestEvent,
  type ResponseEvent,
} from "../../src/http/client.js";
import { PLEX_SERVICE } from "../../src/readers/plex-api/client.js";
import { TAUTULLI_SERVICE } from "../../src/readers/tautulli/reader.js";
import { JELLYFIN } from "../../src/targets/jellyfin/dialect.js";
import { failure } from "../helpers/failure.js";
import { type Stub, type StubReply, type StubRequest, startStub } from "../helpers/stub-server.js";

const KEY = "0123456789abcdef0123456789abcdef";
const stubs: Stub[] = [];
const clients: HttpClient[] = [];

async function stub(handler: (request: StubRequest) => StubReply | Promise<StubReply>): Promise<Stub> {
  const s = await startStub(handler);
  stubs.push(s);
  return s;
}

function client(url: string, options: Partial<HttpClientOptions> = {}) {
  const delays: number[] = [];
  const c = new HttpClient({
    service: JELLYFIN.service,
    baseUrl: url,
    timeoutSeconds: 5,
    concurrency: 4,
    secrets: [KEY],
    headers: { Authorization: `MediaBrowser Client="plexodus", Token="${KEY}"`, "X-Emby-Token": KEY },
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 1,
    ...options,
  });
  clients.push(c);
  return { c, delays };
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of stubs.splice(0)) await s.close();
});

const Ok = z.object({ ok: z.boolean() });

describe("HttpClient", () => {
  it("sends requests under the base path with comma-joined arrays", async () => {
    const s = await stub(() => ({ status: 200, body: { ok: true } }));
    const { c } = client(`${s.url}/jellyfin/`);
    await c.get("/Items", { query: { ids: ["a", "b"], limit: 5, skip: undefined }, schema: Ok });
    expect(s.requests[0]?.path).toBe("/jellyfin/Items");
    expect(s.requests[0]?.query.get("ids")).toBe("a,b");
    expect(s.requests[0]?.query.get("limit")).toBe("5");
    expect(s.requests[0]?.query.has("skip")).toBe(false);
    expect(c.serverUrl).toBe(`${s.url}/jellyfin`);
  });

  it("retries GET on 503 honouring Retry-After in seconds", async () => {
    let calls = 0;
    const s = await stub(() =>
      ++calls < 3
        ? { status: 503, body: "starting", headers: { "Retry-After": "7" } }
        : { status: 200, body: { ok: true } },
    );
    const { c, delays } = client(s.url);
    await c.get("/System/Info", { schema: Ok });
    await c.get("/System/Info", { schema: Ok }); // reached: still fine
    expect(calls).toBe(4);
    expect(delays).toEqual([7000, 7000]);
  });

  it("backs off exponentially on 500 and gives up after the attempt budget", async () => {
    const s = await stub(() => ({ status: 500, body: "Error processing request." }));
    const { c, delays } = client(s.url, { retry: { attempts: 4, baseDelayMs: 100 } });
    const error = await failure(c.get("/Items"));
    expect(error.category).toBe("transient");
    expect(error.status).toBe(500);
    expect(s.requests).toHaveLength(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  it("never retries writes, and carries retryAfterMs from an HTTP date on 429", async () => {
    const when = new Date(Date.now() + 60_000).toUTCString();
    const s = await stub(() => ({ status: 429, body: "slow down", headers: { "Retry-After": when } }));
    const { c, delays } = client(s.url);
    const error = await failure(c.post("/Users/New", { body: { Name: "x" } }));
    expect(error.category).toBe("transient");
    expect(error.exitCode).toBe(1);
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(s.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("does not wait for a Retry-After longer than the policy allows", async () => {
    const s = await stub(() => ({ status: 503, headers: { "Retry-After": "3600" } }));
    const { c, delays } = client(s.url);
    const error = await failure(c.get("/Items"));
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(s.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it.each([401, 403])(
    "maps %i to an auth error (exit 4) naming the server and what to check",
    async (status) => {
      const s = await stub(() => ({ status, body: "Access token is invalid or expired." }));
      const { c } = client(s.url);
      const error = await failure(c.get("/Library/VirtualFolders"));
      expect(error.category).toBe("auth");
      expect(error.exitCode).toBe(4);
      expect(error.status).toBe(status);
      expect(error.message).toContain(s.url);
      expect(error.hint).toMatch(/API key/);
      expect(error.hint).toMatch(/legacy authorization/);
      expect(s.requests).toHaveLength(1);
    },
  );

  it("maps other 4xx to failed with the ProblemDetails title and detail", async () => {
    const s = await stub(() => ({
      status: 404,
      body: { title: "Not Found", detail: "Item does not exist", status: 404 },
    }));
    const { c } = client(s.url);
    const error = await failure(c.get("/Items/abc"));
    expect(error.category).toBe("failed");
    expect(error.status).toBe(404);
    expect(error.message).toContain("Not Found: Item does not exist");
    expect(s.requests).toHaveLength(1);
  });

  it("truncates long text/plain bodies", async () => {
    const s = await stub(() => ({
      status: 400,
      body: `A user with the name 'x' already exists. ${"x".repeat(5000)}`,
    }));
    const { c } = client(s.url);
    const error = await failure(c.post("/Users/New"));
    expect(error.message).toContain("already exists");
    expect(error.message.length).toBeLessThan(600);
  });

  it("never lets the API key into an error, even when the server echoes the request", async () => {
    const s = await stub((request) => ({
      status: 400,
      body: `bad request: ${request.headers.authorization} token ${request.headers["x-emby-token"]} url /Items?api_key=${KEY}`,
    }));
    const { c } = client(s.url);
    const error = await failure(c.get("/Items"));
    expect(error.message).not.toContain(KEY);
    expect(String(error.hint)).not.toContain(KEY);
    expect(error.message).toContain('Token="***"');
  });

  it("fails loudly with the endpoint when the answer has an unexpected shape", async () => {
    const s = await stub(() => ({ status: 200, body: { Items: "nope" } }));
    const { c } = client(s.url);
    const error = await failure(c.get("/Users/Query", { schema: z.object({ Items: z.array(z.string()) }) }));
    expect(error.category).toBe("failed");
    expect(error.message).toContain("GET /Users/Query");
    expect(error.message).toContain("Items");
  });

  it("calls an unreached server unreachable (exit 4) without retrying", async () => {
    const s = await stub(() => ({ status: 200 }));
    const url = s.url;
    await s.close();
    stubs.pop();
    const { c, delays } = client(url);
    const error = await failure(c.get("/System/Info/Public"));
    expect(error.category).toBe("unreachable");
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain(url);
    expect(error.hint).toMatch(/--target-url/);
    expect(delays).toEqual([]);
    expect(String((error.cause as Error).message)).not.toContain(KEY);
  });

  it("calls a dropped connection transient once the server was reached; GETs are retried, writes not", async () => {
    let calls = 0;
    const s = await stub(() => (++calls === 1 ? { status: 200, body: { ok: true } } : "destroy"));
    const { c, delays } = client(s.url, { retry: { attempts: 2 } });
    await c.get("/System/Info/Public", { schema: Ok });
    const read = await failure(c.get("/Items"));
    expect(read.category).toBe("transient");
    expect(delays).toHaveLength(1);
    const write = await failure(c.post("/Users/New"));
    expect(write.category).toBe("transient");
    expect(calls).toBe(4);
  });

  it("times out: unreachable before the server answered once, transient after", async () => {
    let calls = 0;
    const s = await stub(() => (++calls === 2 ? { status: 200, body: { ok: true } } : "hang"));
    const { c } = client(s.url, { timeoutSeconds: 1, retry: { attempts: 1 } });
    const first = await failure(c.get("/System/Info/Public"));
    expect(first.category).toBe("unreachable");
    expect(first.message).toMatch(/timed out/);
    await c.get("/System/Info/Public", { schema: Ok });
    const later = await failure(c.get("/Items"));
    expect(later.category).toBe("transient");
  });

  it("keeps at most `concurrency` connections open", async () => {
    const s = await stub(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { status: 200, body: { ok: true } };
    });
    const { c } = client(s.url, { concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => c.get("/Items", { schema: Ok })));
    expect(s.requests).toHaveLength(8);
    expect(s.maxConnections).toBeLessThanOrEqual(2);
  });

  it("names the service it talks to and the options that fix it, Plex and Tautulli alike", async () => {
    const s = await stub(() => ({ status: 401, body: "Unauthorized" }));
    const plex = await failure(client(s.url, { service: PLEX_SERVICE }).c.get("/library/sections"));
    expect(plex.category).toBe("auth");
    expect(plex.exitCode).toBe(4);
    expect(plex.message).toContain(`the Plex server ${s.url} refused the token`);
    expect(plex.hint).toMatch(/^Check --plex-token \/ PLEXODUS_PLEX_TOKEN: /);
    const tautulli = await failure(client(s.url, { service: TAUTULLI_SERVICE }).c.get("/api/v2"));
    expect(tautulli.message).toContain(`the Tautulli server ${s.url} refused the API key`);
    expect(tautulli.hint).toMatch(/--tautulli-api-key/);
    const url = s.url;
    await s.close();
    stubs.pop();
    const gone = await failure(client(url, { service: PLEX_SERVICE }).c.get("/identity"));
    expect(gone.category).toBe("unreachable");
    expect(gone.message).toContain(`cannot reach the Plex server ${url}`);
    expect(gone.hint).toMatch(/--plex-url/);
    expect(gone.hint).not.toMatch(/--target-url/);
  });

  it("reports a write answered with a redirect instead of following it, and stops (config)", async () => {
    let status = 301;
    const s = await stub((request) =>
      request.path === "/old/UserItems/1/UserData"
        ? { status, body: "", headers: { Location: `${s.url}/new/UserItems/1/UserData?api_key=${KEY}` } }
        : { status: 200, body: { ok: true } },
    );
    const { c } = client(`${s.url}/old`);
    // 301 and 302 would turn the POST into a GET; 307 and 308 would send it again elsewhere.
    for (status of [301, 302, 307, 308]) {
      s.requests.length = 0;
      const write = await failure(c.post("/UserItems/1/UserData", { body: { Played: true } }));
      expect(write.category).toBe("config");
      expect(write.exitCode).toBe(3);
      expect(write.message).toBe(
        `the Jellyfin server ${s.url}/old redirected POST /UserItems/1/UserData (HTTP ${status}) to ${s.url}/new/UserItems/1/UserData; plexodus does not follow redirects of writes`,
      );
      expect(write.hint).toContain(
        "Set --target-url / PLEXODUS_TARGET_URL to the address the server answers at",
      );
      expect(write.hint).toContain(`base path of ${s.url}/new/UserItems/1/UserData`);
      // Sent once, never re-sent (as a GET or otherwise) to where the redirect points.
      expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /old/UserItems/1/UserData"]);
      expect(`${write.message} ${write.hint}`).not.toContain(KEY);
    }
    const removal = await failure(c.delete("/UserItems/1/UserData"));
    expect(removal.category).toBe("config");
  });

  it("still follows a redirect of a read", async () => {
    const s = await stub((request) =>
      request.path === "/old/System/Info/Public"
        ? { status: 302, body: "", headers: { Location: "/new/System/Info/Public" } }
        : { status: 200, body: { ok: true } },
    );
    const { c } = client(`${s.url}/old`);
    expect(await c.get("/System/Info/Public", { schema: Ok })).toEqual({ ok: true });
    expect(s.requests.map((r) => r.path)).toEqual(["/old/System/Info/Public", "/new/System/Info/Public"]);
  });

  it("goes through the proxy the environment names, and through none when it names none", async () => {
    expect(proxyInEnvironment("http:", {})).toBe(false);
    expect(proxyInEnvironment("http:", { NO_PROXY: "*", https_proxy: "http://p:1" })).toBe(false);
    expect(proxyInEnvironment("https:", { https_proxy: "http://p:1" })).toBe(true);
    expect(proxyInEnvironment("http:", { HTTP_PROXY: "http://p:1" })).toBe(true);
    expect(proxyInEnvironment("https:", { ALL_PROXY: "http://p:1" })).toBe(true);
    expect(proxyInEnvironment("http:", { http_proxy: "" })).toBe(false);
    const proxy = await stub(() => ({ status: 200, body: { ok: true } }));
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = proxy.url;
    try {
      // Nothing listens there: only the proxy can answer.
      const { c } = client("http://plexodus-target.invalid:8096");
      expect(await c.get("/System/Info/Public", { schema: Ok })).toEqual({ ok: true });
      await c.post("/UserItems/1/UserData", { body: { Played: true } });
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
    expect(proxy.requests.map((r) => [r.method, r.headers.host, r.path])).toEqual([
      ["GET", "plexodus-target.invalid:8096", "/System/Info/Public"],
      ["POST", "plexodus-target.invalid:8096", "/UserItems/1/UserData"],
    ]);
  });

  it("reports every request to the hook, without headers", async () => {
    const s = await stub(() => ({ status: 204 }));
    const events: unknown[] = [];
    const { c } = client(s.url, { onRequest: (event) => events.push(event) });
    await c.delete("/Items/1", { query: { ids: ["1"] } });
    expect(events).toEqual([{ method: "DELETE", path: "/Items/1", query: { ids: "1" } }]);
  });
});

/**
 * Writes go out on node:http without axios when no proxy is set (src/http/send.ts): each
 * behaviour the axios path had is checked again through POST and DELETE.
 */
describe("HttpClient writes", () => {
  it("sends the JSON body, the auth headers and the query under the base path", async () => {
    const s = await stub(() => ({ status: 200, body: { ok: true } }));
    const { c } = client(`${s.url}/jellyfin/`);
    const answer = await c.post("/UserItems/a1/UserData", {
      query: { userId: "u 1", ids: ["a", "b"], when: "12:00$", skip: undefined },
      body: { Played: true, Name: "Ünïcode" },
      schema: Ok,
    });
    expect(answer).toEqual({ ok: true });
    const [request] = s.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/jellyfin/UserItems/a1/UserData");
    expect(Object.fromEntries(request!.query)).toEqual({ userId: "u 1", ids: "a,b", when: "12:00$" });
    expect(request?.body).toEqual({ Played: true, Name: "Ünïcode" });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["content-length"]).toBe(
      String(Buffer.byteLength('{"Played":true,"Name":"Ünïcode"}')),
    );
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers.authorization).toContain(`Token="${KEY}"`);
    expect(request?.headers["x-emby-token"]).toBe(KEY);
  });

  it("sends a DELETE without a body and reads an empty answer as nothing", async () => {
    const s = await stub(() => ({ status: 204 }));
    const { c } = client(s.url);
    await expect(c.delete("/UserItems/1/Rating", { schema: Ok.nullish() })).resolves.toBeUndefined();
    expect(s.requests[0]?.method).toBe("DELETE");
    expect(s.requests[0]?.body).toBeUndefined();
    expect(s.requests[0]?.headers["content-type"]).toBeUndefined();
  });

  it("maps refusals and bad answers of a write like those of a read", async () => {
    let reply: StubReply = { status: 401, body: "no" };
    const s = await stub(() => reply);
    const { c, delays } = client(s.url);
    const auth = await failure(c.post("/UserItems/1/UserData", { body: {} }));
    expect([auth.category, auth.exitCode, auth.status]).toEqual(["auth", 4, 401]);
    reply = { status: 404, body: { title: "Not Found", detail: "Item does not exist" } };
    const missing = await failure(c.post("/UserItems/1/UserData", { body: {} }));
    expect(missing.category).toBe("failed");
    expect(missing.message).toBe(
      `the Jellyfin server ${s.url} refused POST /UserItems/1/UserData (HTTP 404): Not Found: Item does not exist`,
    );
    reply = { status: 503, body: "busy", headers: { "Retry-After": "2" } };
    const busy = await failure(c.post("/UserItems/1/UserData", { body: {} }));
    expect([busy.category, busy.retryAfterMs]).toEqual(["transient", 2000]);
    reply = { status: 200, body: { ok: "yes" } };
    const shape = await failure(c.post("/UserItems/1/UserData", { body: {}, schema: Ok }));
    expect(shape.message).toMatch(/^unexpected answer from .* to POST \/UserItems\/1\/UserData at ok: /);
    // Writes are never repeated by the client: the executor re-checks and retries whole actions.
    expect(s.requests).toHaveLength(4);
    expect(delays).toEqual([]);
  });

  it("never lets the API key into an error of a write, even when the server echoes it", async () => {
    const s = await stub((request) => ({
      status: 400,
      body: `bad: ${request.headers.authorization} ${request.headers["x-emby-token"]} /x?api_key=${KEY}`,
    }));
    const { c } = client(s.url);
    const error = await failure(c.post("/UserItems/1/UserData", { query: { api_key: KEY }, body: {} }));
    expect(`${error.message} ${error.hint}`).not.toContain(KEY);
    expect(error.message).toContain('Token="***"');
  });

  it("times out a write: unreachable before the server answered once, transient after, never re-sent", async () => {
    let calls = 0;
    const s = await stub(() => (++calls === 2 ? { status: 200, body: { ok: true } } : "hang"));
    const events: ResponseEvent[] = [];
    const { c, delays } = client(s.url, { timeoutSeconds: 1, onResponse: (event) => events.push(event) });
    const first = await failure(c.post("/UserItems/1/UserData", { body: {} }));
    expect(first.category).toBe("unreachable");
    expect(first.retryable).toBe(true);
    expect(first.message).toMatch(/timed out \(POST \/UserItems\/1\/UserData\)/);
    await c.post("/UserItems/2/UserData", { body: {} });
    const later = await failure(c.delete("/UserItems/3/Rating"));
    expect(later.category).toBe("transient");
    expect(later.retryable).toBe(true);
    expect(calls).toBe(3);
    expect(delays).toEqual([]);
    expect(events.map((event) => [event.status, event.error])).toEqual([
      [null, "ECONNABORTED"],
      [200, undefined],
      [null, "ECONNABORTED"],
    ]);
  });

  it("calls a write to a server that is not there unreachable, and one that stopped answering transient", async () => {
    const gone = await stub(() => ({ status: 200 }));
    const url = gone.url;
    await gone.close();
    stubs.pop();
    const refused = await failure(client(url).c.post("/Users/New", { body: { Name: "x" } }));
    expect(refused.category).toBe("unreachable");
    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain(`cannot reach the Jellyfin server ${url}: connect ECONNREFUSED`);
    let calls = 0;
    const s = await stub(() => (++calls === 1 ? { status: 200, body: { ok: true } } : "destroy"));
    const { c } = client(s.url);
    await c.post("/Users/New", { body: { Name: "x" } });
    const dropped = await failure(c.post("/Users/New", { body: { Name: "y" } }));
    expect(dropped.category).toBe("transient");
    expect(dropped.message).toContain("lost connection to the Jellyfin server");
    expect(String((dropped.cause as Error).message)).not.toContain(KEY);
  });

  it("tells the hooks about every write, with the address masked and without headers", async () => {
    const s = await stub(() => ({ status: 200, body: { ok: true } }));
    const requests: RequestEvent[] = [];
    const responses: ResponseEvent[] = [];
    const { c } = client(s.url, {
      onRequest: (event) => requests.push(event),
      onResponse: (event) => responses.push(event),
    });
    await c.post("/Items/1", { query: { api_key: KEY, ids: ["1", "2"] }, body: { Played: true } });
    expect(requests).toEqual([{ method: "POST", path: "/Items/1", query: { api_key: KEY, ids: "1,2" } }]);
    expect(responses).toEqual([
      {
        method: "POST",
        url: `${s.url}/Items/1?api_key=***&ids=1%2C2`,
        status: 200,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it("keeps at most `concurrency` connections open for writes too", async () => {
    const s = await stub(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { status: 200, body: { ok: true } };
    });
    const { c } = client(s.url, { concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.post(`/Items/${i}`, { body: {} })));
    expect(s.requests).toHaveLength(8);
    expect(s.maxConnections).toBeLessThanOrEqual(2);
  });
});

describe("HttpClient TLS", () => {
  const dir = join(import.meta.dirname, "fixtures");
  const cert = readFileSync(join(dir, "localhost-cert.pem"), "utf8");
  const key = readFileSync(join(dir, "localhost-key.pem"), "utf8");

  async function tlsServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer({ cert, key }, (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `https://127.0.0.1:${port}`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it("verifies certificates by default, accepts an extra CA, and skips verification only when insecure", async () => {
    const server = await tlsServer();
    try {
      const error = await failure(client(server.url).c.get("/System/Info/Public", { schema: Ok }));
      expect(error.category).toBe("unreachable");
      expect(error.message).toMatch(/TLS verification failed/);
      const withCa = client(server.url, { caFile: join(dir, "localhost-cert.pem") }).c;
      await expect(withCa.get("/System/Info/Public", { schema: Ok })).resolves.toEqual({ ok: true });
      await expect(withCa.post("/Sessions/Playing", { body: {}, schema: Ok })).resolves.toEqual({ ok: true });
      const write = await failure(client(server.url).c.post("/Sessions/Playing", { body: {} }));
      expect(write.message).toMatch(/TLS verification failed/);
      const insecure = client(server.url, { insecure: true }).c;
      await expect(insecure.get("/System/Info/Public", { schema: Ok })).resolves.toEqual({ ok: true });
      await expect(insecure.post("/Sessions/Playing", { body: {}, schema: Ok })).resolves.toEqual({
        ok: true,
      });
    } finally {
      for (const c of clients.splice(0)) c.close();
      await server.close();
    }
  });

  it("refuses an unreadable CA file as a configuration error", () => {
    expect(() => client("https://127.0.0.1:1", { caFile: join(dir, "missing.pem") })).toThrow(/--ca-file/);
  });
});
