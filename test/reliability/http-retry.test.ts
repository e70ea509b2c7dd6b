import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpClient } from "../../src/http/client.js";
import { JELLYFIN } from "../../src/targets/jellyfin/dialect.js";
import { failure } from "../helpers/failure.js";
import { type Stub, type StubReply, startStub } from "../helpers/stub-server.js";

/**
 * The HTTP-level side of two failure-matrix rows: a server that hangs (even on the very first
 * request) and a server that stops accepting connections mid-run.
 */

const Ok = z.object({ ok: z.boolean() });
let stub: Stub | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  client?.close();
  await stub?.close();
  stub = undefined;
  client = undefined;
});

function make(url: string, delays: number[]) {
  client = new HttpClient({
    service: JELLYFIN.service,
    baseUrl: url,
    timeoutSeconds: 1,
    concurrency: 2,
    retry: { attempts: 3 },
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 1,
  });
  return client;
}

describe("HTTP retries for the failure matrix", () => {
  it("retries a GET that timed out before the server ever answered, and succeeds when it answers", async () => {
    let calls = 0;
    stub = await startStub((): StubReply => (++calls < 3 ? "hang" : { status: 200, body: { ok: true } }));
    const delays: number[] = [];
    await expect(make(stub.url, delays).get("/System/Info/Public", { schema: Ok })).resolves.toEqual({
      ok: true,
    });
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it("a server that never answers: unreachable (exit 4) with 'timed out' after the retry budget", async () => {
    stub = await startStub((): StubReply => "hang");
    const delays: number[] = [];
    const error = await failure(make(stub.url, delays).get("/System/Info/Public", { schema: Ok }));
    expect(error.category).toBe("unreachable");
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(/timed out \(GET \/System\/Info\/Public\)/);
    expect(stub.requests).toHaveLength(3);
  });

  it("a server that stops accepting connections mid-run: reads retried, then unreachable (exit 4)", async () => {
    stub = await startStub(() => ({ status: 200, body: { ok: true } }));
    const delays: number[] = [];
    const c = make(stub.url, delays);
    await c.get("/System/Info/Public", { schema: Ok });
    await stub.close();
    stub = undefined;
    c.close(); // drop kept-alive sockets so the next request opens a new connection
    const error = await failure(c.get("/Items", { schema: Ok }));
    expect(error.category).toBe("unreachable");
    expect(error.message).toMatch(/stopped accepting connections/);
    expect(delays).toHaveLength(2);
    // Writes are still sent once: a write whose answer was lost may have happened.
    delays.length = 0;
    await failure(c.post("/Users/New"));
    expect(delays).toEqual([]);
  });
});
