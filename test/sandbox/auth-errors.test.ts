import { describe, expect, it } from "vitest";
import { call, EMBY, isJellyfin12, JELLYFIN, login, PERSONALITIES, sandbox, userId } from "./helpers.js";

/** target-apis §2 (auth, detection, base path) and §7 (error bodies). */

describe.each(PERSONALITIES)("$kind@$version detection and auth", ({ kind, version }) => {
  it("describes itself on /System/Info/Public without credentials", async () => {
    const box = await sandbox({ kind, version });
    const info = (await call(box, "GET", "/System/Info/Public", { token: null })).body as Record<
      string,
      unknown
    >;
    if (kind === "jellyfin") {
      expect(info.ProductName).toBe("Jellyfin Server");
      expect(info.Version).toMatch(/^\d+\.\d+\.\d+$/);
    } else {
      expect(info).not.toHaveProperty("ProductName");
      expect(info.Version).toMatch(/^4\.\d+\.\d+\.\d+$/);
    }
    expect(String(info.Version).startsWith(`${version}.`)).toBe(true);
    expect(info.Id).toMatch(/^[0-9a-f]{32}$/);
    expect(box.violations).toEqual([]);
  });

  it("serves /emby-prefixed paths (stripped on Jellyfin 10.8–10.11, native on Emby, 404 on 12.0)", async () => {
    const box = await sandbox({ kind, version });
    const expected = isJellyfin12(kind, version) ? 404 : 200;
    expect((await call(box, "GET", "/emby/System/Info/Public", { token: null })).status).toBe(expected);
    expect((await call(box, "GET", `/emby/Items?Ids=${box.idOf("heat")}`)).status).toBe(expected);
  });

  it("401 without a token or with an unknown one; 403 for a non-admin on an admin route", async () => {
    const box = await sandbox({ kind, version });
    const none = await call(box, "GET", "/Items", { token: null });
    expect(none.status).toBe(401);
    const bad = await call(box, "GET", "/Items", { token: "not-a-token" });
    expect(bad.status).toBe(401);
    if (kind === "emby") {
      expect(bad.headers.get("content-type")).toContain("text/plain");
      expect(bad.text).toBe("Access token is invalid or expired.");
    }
    const token = await login(box, "alice", "alice");
    const forbidden = await call(box, "POST", "/Users/New", { token, body: { Name: "mallory" } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("content-type")).toContain("text/plain");
  });

  it("accepts X-Emby-Token and api_key (not on 12.0 by default); revokeApiKey makes the key fail with 401", async () => {
    const box = await sandbox({ kind, version });
    const heat = box.idOf("heat");
    const legacy = isJellyfin12(kind, version) ? 401 : 200;
    const header = await call(box, "GET", `/Items?Ids=${heat}`, {
      token: null,
      headers: { "X-Emby-Token": box.apiKey },
    });
    expect(header.status).toBe(legacy);
    const query = await call(box, "GET", `/Items?Ids=${heat}&api_key=${box.apiKey}`, { token: null });
    expect(query.status).toBe(legacy);
    box.revokeApiKey();
    expect((await call(box, "GET", `/Items?Ids=${heat}`)).status).toBe(401);
    expect(box.violations).toEqual([]);
  });

  it("logs users in: 401 on a bad password, and the token acts as that user", async () => {
    const box = await sandbox({ kind, version });
    const wrong = await call(box, "POST", "/Users/AuthenticateByName", {
      token: null,
      headers: { Authorization: 'MediaBrowser Client="t", Device="d", DeviceId="x", Version="1"' },
      body: { Username: "alice", Pw: "wrong" },
    });
    expect(wrong.status).toBe(401);
    const token = await login(box, "alice", "alice");
    const alice = await userId(box, "alice");
    const items = await call(box, "GET", `/Users/${alice}/Items/${box.idOf("shawshank")}`, { token });
    expect(items.status).toBe(200);
    expect((items.body as { UserData: { Played: boolean } }).UserData.Played).toBe(true);
    expect(box.violations).toEqual([]);
  });
});

describe.each(JELLYFIN)("jellyfin@$version errors", ({ kind, version }) => {
  it("404 ProblemDetails for an unknown user; 400 ValidationProblemDetails for a malformed GUID", async () => {
    const box = await sandbox({ kind, version });
    const missing = await call(box, "GET", "/Users/0123456789abcdef0123456789abcdef");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    const malformed = await call(box, "GET", "/Users/not-a-guid");
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      status: 400,
      errors: { userId: ["The value 'not-a-guid' is not valid."] },
    });
    expect(box.violations).toHaveLength(1);
  });

  it("answers 405 to a known path with another method", async () => {
    const box = await sandbox({ kind, version });
    const answer = await call(box, "PUT", "/Users/New");
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toContain("POST");
  });

  it("accepts dashed GUIDs as well as the N form", async () => {
    const box = await sandbox({ kind, version });
    const id = await userId(box, "alice");
    const dashed = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
    const answer = await call(box, "GET", `/Users/${dashed.toUpperCase()}`);
    expect((answer.body as { Id: string }).Id).toBe(id);
  });

  it("requires Client, Device, DeviceId and Version to log in (400), and one token per device", async () => {
    const box = await sandbox({ kind, version });
    const bare = await call(box, "POST", "/Users/AuthenticateByName", {
      token: null,
      headers: { Authorization: 'MediaBrowser Client="t"' },
      body: { Username: "alice", Pw: "alice" },
    });
    expect(bare.status).toBe(400);
    const first = await login(box, "alice", "alice");
    const second = await login(box, "alice", "alice");
    expect((await call(box, "GET", "/Users/Me", { token: first })).status).toBe(401);
    expect((await call(box, "GET", "/Users/Me", { token: second })).status).toBe(200);
  });
});

describe("jellyfin@10.11 legacy authorization switch", () => {
  it("with legacyAuthorization off only the MediaBrowser header and ApiKey query work", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.11", legacyAuthorization: false });
    const path = `/Items?ids=${box.idOf("heat")}`;
    expect(
      (await call(box, "GET", path, { token: null, headers: { "X-Emby-Token": box.apiKey } })).status,
    ).toBe(401);
    expect((await call(box, "GET", `${path}&api_key=${box.apiKey}`, { token: null })).status).toBe(401);
    const emby = await call(box, "GET", path, {
      token: null,
      headers: { Authorization: `Emby Token="${box.apiKey}"` },
    });
    expect(emby.status).toBe(401);
    expect((await call(box, "GET", `${path}&ApiKey=${box.apiKey}`, { token: null })).status).toBe(200);
    expect((await call(box, "GET", path)).status).toBe(200);
  });

  it("with legacyAuthorization on (default) X-Emby-Token still works", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.11" });
    const answer = await call(box, "GET", `/Items?ids=${box.idOf("heat")}`, {
      token: null,
      headers: { "X-Emby-Token": box.apiKey },
    });
    expect(answer.status).toBe(200);
  });
});

describe.each(EMBY)("emby@$version login", ({ kind, version }) => {
  it("accepts a form-encoded AuthenticateByName with X-Emby-Authorization", async () => {
    const box = await sandbox({ kind, version });
    const answer = await fetch(`${box.url}/emby/Users/AuthenticateByName`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Emby-Authorization": 'Emby Client="t", Device="d", DeviceId="x", Version="1"',
      },
      body: "Username=alice&Pw=alice",
    });
    expect(answer.status).toBe(200);
    const token = ((await answer.json()) as { AccessToken: string }).AccessToken;
    expect((await call(box, "GET", `/Users/${await userId(box, "alice")}`, { token })).status).toBe(200);
    expect(box.violations).toEqual([]);
  });
});

describe.each(EMBY)("emby@$version errors", ({ kind, version }) => {
  it("answers errors as text/plain", async () => {
    const box = await sandbox({ kind, version });
    const missing = await call(box, "GET", "/Users/0123456789abcdef0123456789abcdef");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/plain");
  });
});
