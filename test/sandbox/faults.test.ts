import { describe, expect, it } from "vitest";
import { Faults } from "../../src/sandbox/faults.js";
import { call, sandbox } from "./helpers.js";

describe("fault injection", () => {
  it("is reproducible: the same seed gives the same sequence", () => {
    const run = (seed: number) => {
      const faults = new Faults({ seed, error503Rate: 0.3, resetRate: 0.1, hangRate: 0.05 });
      return Array.from({ length: 200 }, () => faults.decide("POST").action);
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
    const actions = run(42);
    const share = actions.filter((a) => a === "503").length / actions.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.45);
  });

  it("answers 503 with Retry-After, and only writes when onlyWrites is set", async () => {
    const box = await sandbox({
      kind: "jellyfin",
      faults: { error503Rate: 1, retryAfterSeconds: 7, onlyWrites: true },
    });
    const read = await call(box, "GET", "/System/Info/Public", { token: null });
    expect(read.status).toBe(200);
    const write = await call(box, "POST", `/Collections?name=x`);
    expect(write.status).toBe(503);
    expect(write.headers.get("retry-after")).toBe("7");
    expect(box.requests.at(-1)).toMatchObject({ method: "POST", status: 503, write: true, fault: "503" });
    box.faults.clear();
    expect((await call(box, "POST", `/Collections?name=x`)).status).toBe(200);
    expect(box.dump().collections.map((c) => c.name)).toContain("x");
  });

  it("fails every request after failAfterRequests, changeable at run time", async () => {
    const box = await sandbox({ kind: "emby" });
    box.faults.set({ failAfterRequests: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(box, "GET", "/System/Info/Public", { token: null })).status);
    expect(statuses).toEqual([200, 200, 503, 503]);
  });

  it("aims a fault at the nth matching request only, whatever the rates", () => {
    const faults = new Faults({
      error503Rate: 0,
      onlyWrites: true,
      aimed: [
        { method: "POST", path: /^\/Users\/[^/]+\/Password$/, nth: 2, action: "503" },
        { method: "GET", path: "/Users", times: 2, action: "reset" },
      ],
    });
    const seen = [
      faults.decide("POST", "/Users/a1/Password").action,
      faults.decide("POST", "/Users/New").action,
      faults.decide("POST", "/Users/a1/Password").action,
      faults.decide("POST", "/Users/a1/Password").action,
      faults.decide("GET", "/Users").action,
      faults.decide("GET", "/Users").action,
      faults.decide("GET", "/Users").action,
    ];
    expect(seen).toEqual(["none", "none", "503", "none", "reset", "reset", "none"]);
    // A new list starts counting again; clear() removes it.
    faults.set({ aimed: [{ method: "DELETE", path: /^\/Users\/[^/]+$/, action: "503" }] });
    expect(faults.decide("DELETE", "/Users/a1").action).toBe("503");
    faults.clear();
    expect(faults.decide("DELETE", "/Users/a1").action).toBe("none");
  });

  it("aimed faults answer through the server with Retry-After, and are logged", async () => {
    const box = await sandbox({
      kind: "emby",
      faults: { retryAfterSeconds: 0, aimed: [{ method: "POST", path: "/Collections", action: "503" }] },
    });
    const first = await call(box, "POST", "/Collections?Name=x");
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("0");
    expect((await call(box, "POST", "/Collections?Name=x")).status).toBe(200);
    expect(box.requests.map((r) => r.fault)).toEqual(["503", undefined]);
  });

  it("resets connections and delays answers", async () => {
    const box = await sandbox({ kind: "emby", faults: { resetRate: 1 } });
    await expect(call(box, "GET", "/System/Info/Public", { token: null })).rejects.toThrow();
    expect(box.requests.at(-1)?.fault).toBe("reset");
    box.faults.set({ resetRate: 0, latencyMs: 150 });
    const started = Date.now();
    expect((await call(box, "GET", "/System/Info/Public", { token: null })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers a request latencyMs after it arrived, never earlier, whatever it is answered", async () => {
    const box = await sandbox({ kind: "jellyfin", faults: { latencyMs: 60 } });
    const timed = async (answer: () => Promise<number>) => {
      const sent = performance.now();
      const status = await answer();
      return { status, ms: performance.now() - sent };
    };
    const list = await timed(async () => (await call(box, "GET", "/Items?recursive=true")).status);
    const write = await timed(async () => (await call(box, "POST", "/Collections?name=x")).status);
    box.faults.set({ error503Rate: 1 });
    const busy = await timed(async () => (await call(box, "GET", "/System/Info/Public")).status);
    expect([list.status, write.status, busy.status]).toEqual([200, 200, 503]);
    // Only a lower bound: how much later a busy machine answers is not the sandbox's promise.
    for (const { ms } of [list, write, busy]) expect(ms).toBeGreaterThanOrEqual(60);
  });

  it("handles a request when it arrives: its latency includes the handling instead of adding to it", async () => {
    const box = await sandbox({ kind: "jellyfin", faults: { latencyMs: 20_000 } });
    let answered = false;
    const pending = call(box, "POST", "/Collections?name=early").then(
      () => {
        answered = true;
      },
      () => undefined,
    );
    while (!box.dump().collections.some((c) => c.name === "early")) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The collection exists while its answer still waits out the latency.
    expect(answered).toBe(false);
    await box.stop();
    await pending;
  });

  it("restart drops a hanging request but keeps state and port", async () => {
    const box = await sandbox({ kind: "jellyfin" });
    await call(box, "POST", "/Collections?name=kept");
    box.faults.set({ hangRate: 1 });
    const hanging = call(box, "GET", "/System/Info/Public", { token: null });
    await new Promise((resolve) => setTimeout(resolve, 100));
    box.faults.clear();
    await box.restart();
    await expect(hanging).rejects.toThrow();
    const after = await call(box, "GET", "/Items?recursive=true&includeItemTypes=BoxSet");
    expect(after.status).toBe(200);
    expect((after.body as { Items: { Name: string }[] }).Items.map((i) => i.Name)).toContain("kept");
  });
});

describe("request log", () => {
  it("records method, path, query, status and whether it wrote", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.10" });
    await call(box, "GET", `/Items?ids=${box.idOf("heat")}&fields=Path&fields=ProviderIds`);
    expect(box.requests.at(-1)).toMatchObject({
      method: "GET",
      path: "/Items",
      query: { ids: box.idOf("heat"), fields: ["Path", "ProviderIds"] },
      status: 200,
      write: false,
    });
    expect(typeof box.requests.at(-1)?.at).toBe("number");
    await call(box, "GET", `/Items?api_key=${box.apiKey}`, { token: null });
    expect(box.requests.at(-1)?.query).toEqual({ api_key: "***" });
    expect(JSON.stringify(box.requests)).not.toContain(box.apiKey);
  });
});
