import { describe, expect, it } from "vitest";
import { DEFAULT_VERSIONS, SUPPORTED_VERSIONS } from "../../src/sandbox/index.js";
import { call, sandbox } from "./helpers.js";

describe("sandbox versions", () => {
  it("serves Jellyfin 12.0 and Emby 4.9 by default (4.10 borrows 4.9's document: on request only)", async () => {
    expect(DEFAULT_VERSIONS).toEqual({ jellyfin: "12.0", emby: "4.9" });
    expect(SUPPORTED_VERSIONS.jellyfin.at(-1)).toBe("12.0");
    expect(SUPPORTED_VERSIONS.emby.at(-1)).toBe("4.10");
    for (const [kind, reported] of [
      ["jellyfin", "12.0.0"],
      ["emby", "4.9.3.0"],
    ] as const) {
      const box = await sandbox({ kind });
      expect(box.version).toBe(DEFAULT_VERSIONS[kind]);
      expect((await call(box, "GET", "/System/Info/Public", { token: null })).body).toMatchObject({
        Version: reported,
      });
    }
  });

  it("reports another version when asked to, still behaving as its own", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0", reportedVersion: "13.0.0" });
    expect((await call(box, "GET", "/System/Info/Public", { token: null })).body).toMatchObject({
      Version: "13.0.0",
      ProductName: "Jellyfin Server",
    });
    expect(box.version).toBe("12.0");
    // Still 12.0: the /emby prefix is gone.
    expect((await call(box, "GET", "/emby/System/Info/Public", { token: null })).status).toBe(404);
  });

  it("reports Jellyfin 12.0 as 12.0.0, Jellyfin Server", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    expect((await call(box, "GET", "/System/Info/Public", { token: null })).body).toMatchObject({
      Version: "12.0.0",
      ProductName: "Jellyfin Server",
    });
  });
});
