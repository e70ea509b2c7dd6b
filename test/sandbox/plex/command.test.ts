import { describe, expect, it } from "vitest";
import { serveSandbox } from "../../../src/cli/commands/sandbox.js";
import { createContext } from "../../../src/cli/context.js";
import { capture } from "../../helpers/io.js";

/** `plexodus sandbox --kind plex`: the bundled sample served as a Plex server. */

describe("plexodus sandbox --kind plex", () => {
  it("prints its URL, then the token it chose, and serves the sample until stopped", async () => {
    const { io, linesAtLeast } = capture();
    const controller = new AbortController();
    const serving = serveSandbox({ kind: "plex" }, createContext(io, {}), controller.signal);
    const [url, tokenLine] = await linesAtLeast(2);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = /^token: (\S+)$/.exec(tokenLine!)?.[1];
    expect(token).toBeDefined();
    const response = await fetch(`${url}/library/sections`, {
      headers: { Accept: "application/json", "X-Plex-Token": token! },
    });
    const body = (await response.json()) as { MediaContainer: { Directory: Array<{ title: string }> } };
    expect(body.MediaContainer.Directory.map((d) => d.title)).toEqual([
      "Movies",
      "Old Movies",
      "TV Shows",
      "Music",
    ]);
    expect((await fetch(`${url}/library/sections`)).status).toBe(401);
    controller.abort();
    await serving;
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });

  it("accepts the token given with --api-key and does not print it", async () => {
    const { io, linesAtLeast } = capture();
    const controller = new AbortController();
    const serving = serveSandbox(
      { kind: "plex", apiKey: "chosen-token-1234" },
      createContext(io, {}),
      controller.signal,
    );
    const lines = await linesAtLeast(1);
    const ok = await fetch(`${lines[0]}/accounts`, { headers: { "X-Plex-Token": "chosen-token-1234" } });
    expect(ok.status).toBe(200);
    controller.abort();
    await serving;
    expect(lines.join("\n")).not.toContain("chosen-token-1234");
  });
});
