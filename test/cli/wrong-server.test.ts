import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { SAMPLE_SCENARIO } from "../../src/sample/index.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { type PlexSandbox, startPlexSandbox } from "../../src/sandbox/plex/index.js";
import { run } from "../helpers/io.js";

/**
 * Issue 13 item 11: a wrong-server mistake ends with exit 4 and a hint naming what answered
 * at that address; a busy port or a version the sandbox does not play is bad usage (exit 3).
 */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()!();
});

async function plex(): Promise<PlexSandbox> {
  const box = await startPlexSandbox({ scenario: SAMPLE_SCENARIO, token: "plex-owner-token" });
  stops.push(() => box.stop());
  return box;
}

async function jellyfin(): Promise<Sandbox> {
  const box = await startSandbox({ kind: "jellyfin", version: "10.11", apiKey: "jellyfin-key-0123456789" });
  stops.push(() => box.stop());
  return box;
}

function expectNoBug(result: { stderr: string }): void {
  expect(result.stderr).not.toContain("This is a bug");
}

describe("wrong-server mistakes (exit 4, naming what answered)", () => {
  it("a Plex server given as --target-url", async () => {
    const box = await plex();
    const result = await run(["plan", "--plex-db", "/nonexistent.db", "--target-url", box.url], {
      env: { PLEXODUS_TARGET_API_KEY: "some-key" },
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain(
      `${box.url} is a Plex Media Server 1.41.3.9314-a0bfb8370, not Jellyfin or Emby`,
    );
    expect(result.stderr).toContain("give this Plex server as --plex-url");
    expectNoBug(result);
  });

  it("a Jellyfin server given as --plex-url", async () => {
    const box = await jellyfin();
    const result = await run(["inspect", "--plex-url", box.url, "--plex-token", "a-plex-token"]);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain(`${box.url} is Jellyfin Server 10.11.11, not a Plex Media Server`);
    expect(result.stderr).toContain("give this server as --target-url");
    expect(result.stderr).not.toContain("a-plex-token");
    expectNoBug(result);
  });

  it("a base path the server does not have (404), naming where it does answer", async () => {
    const box = await jellyfin();
    const result = await run(
      ["plan", "--plex-db", "/nonexistent.db", "--target-url", `${box.url}/jellyfin`],
      {
        env: { PLEXODUS_TARGET_API_KEY: box.apiKey },
      },
    );
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain(
      `no Jellyfin or Emby answers at ${box.url}/jellyfin (/System/Info/Public answered HTTP 404), but Jellyfin 10.11.11 does at ${box.url}`,
    );
    expect(result.stderr).toContain(`Give --target-url ${box.url}`);
    expectNoBug(result);
  });

  it("a base path on a server that answers 404 everywhere: exit 4, not a failed run", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    stops.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const { port } = server.address() as { port: number };
    const result = await run(
      ["plan", "--plex-db", "/x.db", "--target-url", `http://127.0.0.1:${port}/emby`],
      {
        env: { PLEXODUS_TARGET_API_KEY: "key" },
      },
    );
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain(`no Jellyfin or Emby answers at http://127.0.0.1:${port}/emby`);
    expectNoBug(result);
  });
});

describe("sandbox and demo usage mistakes (exit 3)", () => {
  it("sandbox --port N when N is in use: 'port N is in use'", async () => {
    const box = await jellyfin();
    const port = new URL(box.url).port;
    for (const kind of ["jellyfin", "plex"]) {
      const result = await run(["sandbox", "--kind", kind, "--port", port]);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain(`port ${port} is in use`);
      expectNoBug(result);
    }
  });

  it("demo --sandbox-version that does not fit --kind", async () => {
    const result = await run(["demo", "--kind", "emby", "--sandbox-version", "10.9"]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain("--sandbox-version 10.9 is not a version the emby sandbox plays");
    expect(result.stderr).toContain("4.7, 4.8, 4.9, 4.10");
    expectNoBug(result);
  });
});
