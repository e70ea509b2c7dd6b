import { describe, expect, it } from "vitest";
import { DEFAULT_VERSIONS, SUPPORTED_VERSIONS } from "../../src/sandbox/index.js";
import { call, sandbox } from "./helpers.js";

describe("sandbox versions", () => {
  it("serves 10.11 and 4.9 by default, not the newest (12.0, 4.10) the adapter does not accept yet", async () => {
    expect(DEFAULT_VERSIONS).toEqual({ jellyfin: "10.11", emby: "4.9" });
    expect(SUPPORTED_VERSIONS.jellyfin.at(-1)).toBe("12.0");
    expect(SUPPORTED_VERSIONS.emby.at(-1)).toBe("4.10");
    for (const [kind, reported] of [
      ["jellyfin", "10.11.11"],
      ["emby", "4.9.3.0"],
    ] as const) {
      const box = await sandbox({ kind });
      expect(box.version).toBe(DEFAULT_VERSIONS[kind]);
      expect((await call(box, "GET", "/System/Info/Public", { token: null })).body).toMatchObject({
        Version: reported,
      });
    }
  });

  it("reports Jellyfin 12.0 as 12.0.0, Jellyfin Server", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    expect((await call(box, "GET", "/System/Info/Public", { token: null })).body).toMatchObject({
      Version: "12.0.0",
      ProductName: "Jellyfin Server",
    });
  });
});
