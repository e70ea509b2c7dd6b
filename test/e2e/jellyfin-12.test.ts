import { createServer, type IncomingMessage, type Server } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { EXPECTED_MERGE, EXPECTED_MIRROR } from "./expected.js";
import { endState, expectExit, expectNoViolations, world, writesSince } from "./helpers.js";

/**
 * Jellyfin 12.0 as it ships: legacy authorization off, so `X-Emby-Token` and `api_key` are
 * refused (target-apis §12.2); playlists keep duplicates, so an add retried after its answer
 * was lost must not append the items again (§12.6).
 */

/** The only credential form plexodus may send to Jellyfin. */
const MEDIABROWSER = "Authorization: MediaBrowser";

function credentialsSent(box: Sandbox, from = 0): string[] {
  return [...new Set(box.requests.slice(from).flatMap((request) => request.credentials))];
}

describe("Jellyfin 12.0 with legacy authorization off", () => {
  it("refuses X-Emby-Token and api_key, yet a full migrate succeeds with the Authorization header alone", async () => {
    const w = await world({ kind: "jellyfin", version: "12.0" });
    const legacy = await fetch(`${w.box.url}/Users`, { headers: { "X-Emby-Token": w.box.apiKey } });
    expect(legacy.status).toBe(401);
    expect((await fetch(`${w.box.url}/Users?api_key=${w.box.apiKey}`)).status).toBe(401);
    const start = w.box.requests.length;

    const result = await w.cli(["migrate", ...w.flags()]);
    expectExit(result, 0);
    expect(result.stderr).not.toContain("Warning:");
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);

    const verify = await w.cli(["verify", ...w.readFlags()]);
    expectExit(verify, 0);
    expect(verify.stdout).toContain("No drift");

    // Every request plexodus sent carried the MediaBrowser header, and nothing else.
    const ours = w.box.requests.slice(start);
    expect(ours.length).toBeGreaterThan(50);
    expect(ours.filter((request) => request.credentials.join() !== MEDIABROWSER)).toEqual([]);
    expect(credentialsSent(w.box, start)).toEqual([MEDIABROWSER]);
    expect(ours.filter((request) => request.status === 401)).toEqual([]);
    expectNoViolations(w.box);
  });

  it("mirror reaches the defined state; a second migrate sends nothing; rollback restores the target", async () => {
    const w = await world({ kind: "jellyfin", version: "12.0" });
    const before = w.box.dump();
    expectExit(await w.cli(["migrate", ...w.flags(["--mode", "mirror"])]), 0);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MIRROR);

    const again = w.box.requests.length;
    expectExit(await w.cli(["migrate", ...w.flags(["--mode", "mirror"])]), 0);
    expect(writesSince(w.box, again)).toEqual([]);

    const rollback = ["rollback", "--journal", w.journal, "--target-url", w.box.url, "--include-users"];
    expectExit(await w.cli(rollback), 0);
    expect(w.box.dump()).toEqual(before);
    expect(credentialsSent(w.box)).toEqual([MEDIABROWSER]);
    expectNoViolations(w.box);
  });
});

describe("Jellyfin 12.0 playlists keep duplicates: only missing entries are ever added", () => {
  it("an add whose answer was lost is not sent again: the retry finds the entries there", async () => {
    const w = await world({ kind: "jellyfin", version: "12.0" });
    const movieNight = playlistId(w.box, "Movie Night");
    const proxy = await lossyProxy(w.box.url, `/Playlists/${movieNight}/Items`, "pass");
    const result = await w.cli(["migrate", ...w.flags(["--target-url", proxy.url])]);
    expectExit(result, 0);
    expect(proxy.lost).toBe(1);
    expect(addsTo(w.box, movieNight)).toBe(1);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  });

  it("a run stopped right after the lost answer resumes without appending the items twice", async () => {
    const w = await world({ kind: "jellyfin", version: "12.0" });
    const movieNight = playlistId(w.box, "Movie Night");
    const plan = join(w.dir, "plan.json");
    expectExit(await w.cli(["plan", "--out", plan, ...w.readFlags()]), 0);
    // After the lost answer the proxy refuses every request, as a server whose key was just
    // revoked would: the run stops with the add journaled as sent but unconfirmed.
    const proxy = await lossyProxy(w.box.url, `/Playlists/${movieNight}/Items`, "refuse");
    const apply = ["apply", "--plan", plan, "--journal", w.journal, "--credentials-file", w.credentials];
    const first = await w.cli([...apply, "--target-url", proxy.url]);
    expect(first.code).not.toBe(0);
    expect(proxy.lost).toBe(1);
    expect(addsTo(w.box, movieNight)).toBe(1);

    proxy.mode = "pass";
    expectExit(await w.cli([...apply, "--target-url", proxy.url]), 0);
    expect(addsTo(w.box, movieNight)).toBe(1);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  });
});

function playlistId(box: Sandbox, name: string): string {
  const found = box.dump().playlists.find((playlist) => playlist.name === name);
  if (!found) throw new Error(`no playlist ${name}`);
  return found.id;
}

/** POSTs that reached the sandbox to add entries to this playlist. */
function addsTo(box: Sandbox, playlist: string): number {
  return box.requests.filter(
    (request) => request.method === "POST" && request.path === `/Playlists/${playlist}/Items`,
  ).length;
}

interface LossyProxy {
  url: string;
  /** Answers dropped after the sandbox had carried out the request. */
  lost: number;
  /** "pass": forward everything; "refuse": answer 401 to everything. */
  mode: "pass" | "refuse";
}

const proxies: Server[] = [];
afterEach(async () => {
  for (const server of proxies.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * A loopback proxy in front of the sandbox. The first POST to `path` is carried out upstream,
 * but its answer never reaches plexodus (the connection is cut): a response lost on the way.
 * From then on the proxy is in mode `after`.
 */
async function lossyProxy(upstream: string, path: string, after: LossyProxy["mode"]): Promise<LossyProxy> {
  const state: LossyProxy = { url: "", lost: 0, mode: "pass" };
  const server = createServer((req, res) => {
    void (async () => {
      if (state.mode === "refuse") {
        res.writeHead(401).end();
        return;
      }
      const body = await readBody(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !["host", "connection", "content-length", "keep-alive"].includes(name),
        ),
      ) as Record<string, string>;
      const answer = await fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const payload = Buffer.from(await answer.arrayBuffer());
      const target = new URL(req.url ?? "/", upstream).pathname;
      if (req.method === "POST" && target === path && state.lost === 0) {
        state.lost += 1;
        state.mode = after;
        req.socket.destroy();
        return;
      }
      const forwarded: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!["content-length", "connection", "keep-alive", "transfer-encoding"].includes(name))
          forwarded[name] = value;
      });
      res.writeHead(answer.status, forwarded).end(payload);
    })();
  });
  proxies.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  state.url = `http://127.0.0.1:${address.port}`;
  return state;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}
