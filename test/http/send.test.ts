import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { Sender } from "../../src/http/send.js";

/** A server answering every request with fixed raw bytes, recording each request's raw target. */
async function rawServer(status: number, headers: Record<string, string>, body: Buffer | string) {
  const targets: string[] = [];
  const server = http.createServer((request, response) => {
    targets.push(request.url ?? "");
    request.resume();
    request.on("end", () => {
      response.writeHead(status, headers);
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: new URL(`http://127.0.0.1:${port}/base/`), targets };
}

const closers: (() => Promise<void>)[] = [];
const agents: http.Agent[] = [];

function sender(url: URL, timeoutMs = 5_000): Sender {
  const agent = new http.Agent({ keepAlive: true });
  agents.push(agent);
  return new Sender(url, agent, timeoutMs, { Accept: "application/json" });
}

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const close of closers.splice(0)) await close();
});

describe("Sender", () => {
  it("builds the request target as axios did: base path, path, query encoded keeping : $ , and + for spaces", async () => {
    const server = await rawServer(204, {}, "");
    await sender(server.url).send("POST", "/Items/a b", { q: "x y:$,&=é" }, { Played: true });
    expect(server.targets).toEqual(["/base/Items/a%20b?q=x+y:$,%26%3D%C3%A9"]);
  });

  it('reads JSON answers (a byte-order mark removed), text as text and an empty body as ""', async () => {
    const json = await rawServer(200, { "content-type": "application/json" }, '\uFEFF{"Played":true}');
    expect((await sender(json.url).send("POST", "/x", {}, {})).data).toEqual({ Played: true });
    const text = await rawServer(400, { "content-type": "text/plain" }, "not json");
    const answer = await sender(text.url).send("POST", "/x", {}, {});
    expect([answer.status, answer.data]).toEqual([400, "not json"]);
    const empty = await rawServer(204, {}, "");
    expect((await sender(empty.url).send("DELETE", "/x", {}, undefined)).data).toBe("");
  });

  it("understands a compressed answer although it never asks for one", async () => {
    const server = await rawServer(200, { "content-encoding": "gzip" }, gzipSync('{"ok":true}'));
    expect((await sender(server.url).send("POST", "/x", {}, {})).data).toEqual({ ok: true });
  });

  it("gives the redirect's status and Location to the caller instead of following it", async () => {
    const server = await rawServer(308, { location: "/elsewhere" }, "");
    const answer = await sender(server.url).send("POST", "/x", {}, {});
    expect([answer.status, answer.headers.location]).toEqual([308, "/elsewhere"]);
    expect(server.targets).toEqual(["/base/x"]);
  });

  it("fails a request that gets no answer within the timeout with code ECONNABORTED", async () => {
    const server = http.createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;
    const error = await sender(new URL(`http://127.0.0.1:${port}`), 200)
      .send("POST", "/x", {}, {})
      .catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe("ECONNABORTED");
    expect((error as Error).message).toBe("timeout of 200ms exceeded");
  });
});
