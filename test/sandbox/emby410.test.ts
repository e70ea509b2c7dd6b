import { describe, expect, it } from "vitest";
import { sampleTargetLibrary } from "../../src/sample/index.js";
import type { SandboxLibrary } from "../../src/sandbox/index.js";
import { loadOpenApiExtract } from "../../src/sandbox/openapi/index.js";
import { personality } from "../../src/sandbox/personalities.js";
import { libraryListing } from "../helpers/sample-target.js";
import { call, sandbox, userId } from "./helpers.js";

/** target-apis §13: Emby 4.10 is 4.9 plus what was observed against 4.10.1.0. */

interface Page {
  Items: Record<string, unknown>[];
}

/** The sample plus a second copy of Heat (same TMDb id, another IMDb id). */
function library(): SandboxLibrary {
  const lib = sampleTargetLibrary();
  lib.libraries[0]!.items!.push({
    ref: "heat-copy",
    type: "Movie",
    name: "Heat (director's cut)",
    year: 1995,
    providerIds: { Tmdb: "949", Imdb: "tt9999999" },
    path: "/media/movies/Heat (1995) cut/Heat.mkv",
  });
  return lib;
}

describe("emby@4.10", () => {
  it("reports 4.10.1.0 and is held to the 4.9.5.0 document", async () => {
    const box = await sandbox({ kind: "emby", version: "4.10" });
    const info = (await call(box, "GET", "/System/Info/Public", { token: null })).body;
    expect(info).toMatchObject({ Version: "4.10.1.0" });
    expect(info).not.toHaveProperty("ProductName");
    const spec = personality("emby", "4.10").spec;
    expect(((await loadOpenApiExtract(spec)) as { source: string }).source).toBe("emby-openapi-4.9.5.0.json");
  });

  it("answers /UserViews with 404; the libraries come from /Users/{id}/Views", async () => {
    const box = await sandbox({ kind: "emby", version: "4.10" });
    const bob = await userId(box, "bob");
    expect((await call(box, "GET", `/UserViews?UserId=${bob}`)).status).toBe(404);
    expect((await call(box, "GET", `/emby/UserViews?UserId=${bob}`)).status).toBe(404);
    // The Emby document marks IncludeExternalContent required.
    const views = (await call(box, "GET", `/emby/Users/${bob}/Views?IncludeExternalContent=false`))
      .body as Page;
    expect(views.Items.map((item) => item.Name)).toEqual(libraryListing().map(([name]) => name));
    expect(box.violations.filter((v) => !v.includes("no such route"))).toEqual([]);
  });

  it("still accepts the legacy credentials (X-Emby-Token, api_key)", async () => {
    const box = await sandbox({ kind: "emby", version: "4.10" });
    const heat = box.idOf("heat");
    const header = await call(box, "GET", `/Items?Ids=${heat}`, {
      token: null,
      headers: { "X-Emby-Token": box.apiKey },
    });
    expect(header.status).toBe(200);
    expect((await call(box, "GET", `/Items?Ids=${heat}&api_key=${box.apiKey}`, { token: null })).status).toBe(
      200,
    );
  });

  it("marks every copy of a film with the same TMDb id (4.9 keeps them apart)", async () => {
    for (const [version, shared] of [
      ["4.10", true],
      ["4.9", false],
    ] as const) {
      const box = await sandbox({ kind: "emby", version, library: library() });
      const bob = await userId(box, "bob");
      expect((await call(box, "POST", `/Users/${bob}/PlayedItems/${box.idOf("heat")}`)).status).toBe(200);
      const copy = (await call(box, "GET", `/Users/${bob}/Items/${box.idOf("heat-copy")}`)).body as {
        UserData: { Played: boolean };
      };
      expect(copy.UserData.Played).toBe(shared);
      expect(box.violations).toEqual([]);
    }
  });
});
