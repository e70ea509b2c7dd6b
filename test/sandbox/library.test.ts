import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { sampleTargetLibrary } from "../../src/sample/index.js";
import { loadSandboxLibrary, parseSandboxLibrary } from "../../src/sandbox/index.js";
import { SpecValidator } from "../../src/sandbox/validate.js";
import { call, sandbox, userId } from "./helpers.js";

function docExample(): string {
  const text = readFileSync(join(import.meta.dirname, "../../docs/sandbox-library.md"), "utf8");
  const block = /## Example\s+```json\n([\s\S]*?)```/.exec(text);
  if (!block) throw new Error("docs/sandbox-library.md has no JSON example");
  return block[1]!;
}

describe("sandbox library files", () => {
  it("loads the documented example, and a sandbox serves it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plexodus-lib-"));
    const file = join(dir, "library.json");
    writeFileSync(file, docExample());
    const library = loadSandboxLibrary(file);
    const box = await sandbox({ kind: "jellyfin", version: "10.10", library });
    const grandma = await userId(box, "grandma");
    const data = await call(box, "GET", `/UserItems/${box.idOf("blade-runner")}/UserData?userId=${grandma}`);
    expect(data.body).toMatchObject({ Played: true, PlayCount: 3, Rating: 9 });
    const episodes = await call(box, "GET", `/Shows/${box.idOf("bluey")}/Episodes?season=1&fields=Path`);
    const items = (episodes.body as { Items: Record<string, unknown>[] }).Items;
    expect(items.map((i) => [i.IndexNumber, i.IndexNumberEnd ?? null])).toEqual([
      [1, null],
      [2, 3],
    ]);
    expect(box.dump().playlists).toMatchObject([
      { name: "Sunday", owner: "grandma", entries: [{ ref: "blade-runner" }, { ref: "bluey-s1e1" }] },
    ]);
    expect(box.violations).toEqual([]);
  });

  it("rejects a broken file with a ConfigError naming the problem", () => {
    const broken = {
      users: [{ name: "a" }, { name: "A" }],
      libraries: [
        {
          name: "TV",
          collectionType: "tvshows",
          items: [
            { type: "Series", name: "S", children: [{ type: "Episode", name: "E" }] },
            { type: "Episode", name: "Loose" },
          ],
        },
      ],
      playlists: [{ name: "p", owner: "nobody", entries: ["missing"] }],
    };
    let error: unknown;
    try {
      parseSandboxLibrary(broken, "broken.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("broken.json");
    expect(message).toContain('duplicate user name "A"');
    expect(message).toContain("a Series cannot contain a Episode");
    expect(message).toContain("a Episode must sit inside its parent");
    expect(message).toContain('unknown owner "nobody"');
    expect(message).toContain('unknown item ref "missing"');
    expect(() => parseSandboxLibrary({ users: [], libraries: [] })).toThrow(ConfigError);
  });

  it("derives the same ids from the same library", async () => {
    for (const kind of ["jellyfin", "emby"] as const) {
      const a = await sandbox({ kind, library: sampleTargetLibrary() });
      const b = await sandbox({ kind, library: sampleTargetLibrary() });
      expect(a.idOf("expanse-s1e3")).toBe(b.idOf("expanse-s1e3"));
      expect(a.dump()).toEqual(b.dump());
    }
  });
});

describe("OpenAPI extract validation", () => {
  it("flags responses that break the documented schema", async () => {
    const validator = await SpecValidator.for("jellyfin-10.11", "jellyfin");
    expect(validator.checkResponse("GET /System/Info/Public", 200, { Version: "10.11.11" })).toEqual([]);
    const violations = validator.checkResponse("GET /System/Info/Public", 200, { Version: 10, Bogus: true });
    expect(violations.join("\n")).toMatch(/Version: must be string/);
    expect(violations.join("\n")).toMatch(/must NOT have additional properties/);
  });
});
