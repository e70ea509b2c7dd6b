import { describe, expect, it } from "vitest";
import { serveSandbox } from "../../src/cli/commands/sandbox.js";
import { createContext } from "../../src/cli/context.js";
import { capture, run } from "../helpers/io.js";

describe("plexodus sandbox", () => {
  it("prints its URL on the first line and the chosen API key on the second, and serves until stopped", async () => {
    const { io, linesAtLeast } = capture();
    const controller = new AbortController();
    const serving = serveSandbox({ kind: "emby", version: "4.8" }, createContext(io, {}), controller.signal);
    const [url, keyLine] = await linesAtLeast(2);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(keyLine).toMatch(/^api key: [0-9a-f]{32}$/);
    const info = (await (await fetch(`${url}/emby/System/Info/Public`)).json()) as { Version: string };
    expect(info.Version).toBe("4.8.11.0");
    controller.abort();
    await serving;
    await expect(fetch(`${url}/System/Info/Public`)).rejects.toThrow();
  });

  it("does not print a key the user chose, and serves Jellyfin 12.0 by default", async () => {
    const { io, linesAtLeast } = capture();
    const controller = new AbortController();
    const serving = serveSandbox(
      { kind: "jellyfin", apiKey: "mykey123" },
      createContext(io, {}),
      controller.signal,
    );
    const [url] = await linesAtLeast(1);
    const info = (await (await fetch(`${url}/System/Info/Public`)).json()) as {
      Version: string;
      ServerName: string;
    };
    expect(info.Version).toBe("12.0.0");
    // Without --library it serves the demo's target library, the match of the bundled Plex sample.
    expect(info.ServerName).toBe("Family Jellyfin (demo)");
    const users = await fetch(`${url}/Users`, {
      headers: { Authorization: 'MediaBrowser Token="mykey123"' },
    });
    expect(users.status).toBe(200);
    controller.abort();
    await serving;
  });

  it("injects the failures asked for with --fail-rate and --latency", async () => {
    const { io, linesAtLeast } = capture();
    const controller = new AbortController();
    const serving = serveSandbox(
      { kind: "jellyfin", version: "10.9", failRate: "1", latency: "50", seed: "7" },
      createContext(io, {}),
      controller.signal,
    );
    const [url] = await linesAtLeast(2);
    const started = Date.now();
    const answer = await fetch(`${url}/System/Info/Public`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    controller.abort();
    await serving;
  });

  it("rejects bad options with exit code 3", async () => {
    expect((await run(["sandbox", "--kind", "kodi"])).code).toBe(3);
    const badVersion = await run(["sandbox", "--kind", "jellyfin", "--version", "9.0"]);
    expect(badVersion.code).toBe(3);
    expect(badVersion.stderr).toContain("supported: 10.8, 10.9, 10.10, 10.11");
    expect((await run(["sandbox", "--kind", "emby", "--fail-rate", "2"])).code).toBe(3);
    expect((await run(["sandbox", "--kind", "emby", "--library", "/nonexistent/lib.json"])).code).toBe(3);
  });
});

describe("plexodus sandbox --version", () => {
  it("is the emulated server version, not plexodus' own", async () => {
    const result = await run(["sandbox", "--kind", "jellyfin", "--version", "9.0"]);
    expect(result.stdout).not.toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(result.stderr).toContain("--version 9.0 is not a supported jellyfin version");
    expect((await run(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
