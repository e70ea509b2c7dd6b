import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { serveSandbox } from "../../src/cli/commands/sandbox.js";
import { createContext } from "../../src/cli/context.js";
import type { Io } from "../../src/cli/io.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { call, sandbox } from "./helpers.js";

/** target-apis §12.2: which credentials Jellyfin 12 reads, with EnableLegacyAuthorization off and on. */

const CLIENT = 'Client="test", Device="vitest", DeviceId="t1", Version="1"';

interface Form {
  name: string;
  /** Read even with legacy authorization off. */
  always: boolean;
  send(box: Sandbox, path: string): { path: string; headers: Record<string, string> };
}

const header = (name: string, value: (key: string) => string) => (box: Sandbox, path: string) => ({
  path,
  headers: { [name]: value(box.apiKey) },
});
const query = (name: string) => (box: Sandbox, path: string) => ({
  path: `${path}${path.includes("?") ? "&" : "?"}${name}=${box.apiKey}`,
  headers: {},
});

const FORMS: Form[] = [
  {
    name: "Authorization: MediaBrowser … Token",
    always: true,
    send: header("Authorization", (key) => `MediaBrowser ${CLIENT}, Token="${key}"`),
  },
  { name: "query ApiKey", always: true, send: query("ApiKey") },
  {
    name: "Authorization: Emby … Token",
    always: false,
    send: header("Authorization", (key) => `Emby ${CLIENT}, Token="${key}"`),
  },
  {
    name: "X-Emby-Authorization",
    always: false,
    send: header("X-Emby-Authorization", (key) => `MediaBrowser ${CLIENT}, Token="${key}"`),
  },
  { name: "X-Emby-Token", always: false, send: header("X-Emby-Token", (key) => key) },
  { name: "X-MediaBrowser-Token", always: false, send: header("X-MediaBrowser-Token", (key) => key) },
  { name: "query api_key", always: false, send: query("api_key") },
];

describe.each([
  { legacy: false, options: {} },
  { legacy: true, options: { legacyAuthorization: true } },
])("jellyfin@12.0 credentials with legacy authorization $legacy", ({ legacy, options }) => {
  it.each(FORMS)("$name", async (form) => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0", ...options });
    const accepted = form.always || legacy;
    const authorized = form.send(box, "/Users");
    const answer = await call(box, "GET", authorized.path, { token: null, headers: authorized.headers });
    expect(answer.status).toBe(accepted ? 200 : 401);
    if (!accepted) {
      // Refused exactly like a wrong key: nothing says the mechanism was the problem.
      const wrong = await call(box, "GET", "/Users", { token: "0123456789abcdef0123456789abcdef" });
      expect([answer.status, answer.text, answer.headers.get("www-authenticate")]).toEqual([
        wrong.status,
        wrong.text,
        wrong.headers.get("www-authenticate"),
      ]);
    }
    // Anonymous routes answer whatever credential came along.
    const open = form.send(box, "/System/Info/Public");
    expect((await call(box, "GET", open.path, { token: null, headers: open.headers })).status).toBe(200);
    expect(box.violations).toEqual([]);
  });
});

describe("jellyfin@12.0 authorization details", () => {
  it("takes the token from the MediaBrowser header first; a token only in a legacy header is refused", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const both = await call(box, "GET", "/Users", {
      token: null,
      headers: {
        Authorization: `MediaBrowser ${CLIENT}, Token="${box.apiKey}"`,
        "X-Emby-Token": box.apiKey,
      },
    });
    expect(both.status).toBe(200);
    const split = await call(box, "GET", "/Users", {
      token: null,
      headers: { Authorization: `MediaBrowser ${CLIENT}`, "X-Emby-Token": box.apiKey },
    });
    expect(split.status).toBe(401);
  });

  it("logs in only with the client fields in the Authorization header (X-Emby-Authorization alone → 400)", async () => {
    const login = (box: Sandbox, headers: Record<string, string>) =>
      call(box, "POST", "/Users/AuthenticateByName", {
        token: null,
        headers,
        body: { Username: "alice", Pw: "alice" },
      });
    const strict = await sandbox({ kind: "jellyfin", version: "12.0" });
    expect((await login(strict, { "X-Emby-Authorization": `MediaBrowser ${CLIENT}` })).status).toBe(400);
    expect((await login(strict, { Authorization: `MediaBrowser ${CLIENT}` })).status).toBe(200);
    const legacy = await sandbox({ kind: "jellyfin", version: "12.0", legacyAuthorization: true });
    expect((await login(legacy, { "X-Emby-Authorization": `MediaBrowser ${CLIENT}` })).status).toBe(200);
  });

  it("a 10.11 server keeps legacy authorization on unless told otherwise", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.11" });
    const answer = await call(box, "GET", "/Users", { token: null, headers: { "X-Emby-Token": box.apiKey } });
    expect(answer.status).toBe(200);
  });
});

describe("jellyfin@12.0 base path", () => {
  it("answers /emby/… and /mediabrowser/… with 404, legacy authorization or not", async () => {
    for (const legacyAuthorization of [false, true]) {
      const box = await sandbox({ kind: "jellyfin", version: "12.0", legacyAuthorization });
      expect((await call(box, "GET", "/emby/System/Info/Public", { token: null })).status).toBe(404);
      expect((await call(box, "GET", "/mediabrowser/Users")).status).toBe(404);
      expect((await call(box, "GET", "/EMBY/Users")).status).toBe(404);
      expect((await call(box, "GET", "/Users")).status).toBe(200);
      expect(box.violations).toHaveLength(3);
      expect(box.violations.every((v) => v.includes("no such route on jellyfin 12.0"))).toBe(true);
    }
  });
});

describe("plexodus sandbox --legacy-authorization", () => {
  it("turns the 12.0 server's EnableLegacyAuthorization on", async () => {
    const stdout = new PassThrough();
    const io: Io = {
      stdout,
      stderr: new PassThrough(),
      env: {},
      cwd: process.cwd(),
      stdinIsTTY: false,
      stderrIsTTY: false,
    };
    const firstLine = new Promise<string>((resolve) => {
      let buffer = "";
      stdout.on("data", (chunk) => {
        buffer += chunk;
        if (buffer.includes("\n")) resolve(buffer.split("\n")[0]!);
      });
    });
    const controller = new AbortController();
    const serving = serveSandbox(
      { kind: "jellyfin", version: "12.0", apiKey: "legacykey", legacyAuthorization: true },
      createContext(io, {}),
      controller.signal,
    );
    const url = await firstLine;
    const answer = await fetch(`${url}/Users`, { headers: { "X-Emby-Token": "legacykey" } });
    expect(answer.status).toBe(200);
    controller.abort();
    await serving;
  });
});
