import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { isPathOption, OPTIONS } from "../../src/config/options.js";
import { ConfigError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "plexodus-config-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(3);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig precedence", () => {
  const yaml = file("c.yaml", "mode: mirror\nconcurrency: 2\ntarget-url: http://file.example:8096/\n");

  it("uses defaults when nothing is given", () => {
    const config = loadConfig({ flags: {}, env: {} });
    expect(config.mode).toBe("merge");
    expect(config.concurrency).toBe(4);
    expect(config.targetKind).toBe("auto");
    expect([...config.kinds]).toEqual([
      "users",
      "watched",
      "progress",
      "ratings",
      "playlists",
      "collections",
    ]);
  });

  it("reads a YAML file, accepting kebab-case keys and trimming a trailing slash", () => {
    const config = loadConfig({ flags: {}, env: {}, configFile: yaml });
    expect(config.mode).toBe("mirror");
    expect(config.concurrency).toBe(2);
    expect(config.targetUrl).toBe("http://file.example:8096");
    expect(config.origins.mode).toBe(`config file ${yaml}`);
  });

  it("lets env win over the file", () => {
    const config = loadConfig({
      flags: {},
      env: { PLEXODUS_TARGET_URL: "http://env.example:8096" },
      configFile: yaml,
    });
    expect(config.targetUrl).toBe("http://env.example:8096");
    expect(config.origins.targetUrl).toBe("environment variable PLEXODUS_TARGET_URL");
  });

  it("lets flags win over env and file", () => {
    const config = loadConfig({
      flags: { targetUrl: "http://flag.example:8096", concurrency: "8" },
      env: { PLEXODUS_TARGET_URL: "http://env.example:8096" },
      configFile: yaml,
    });
    expect(config.targetUrl).toBe("http://flag.example:8096");
    expect(config.concurrency).toBe(8);
    expect(config.mode).toBe("mirror");
  });

  it("finds the config file through PLEXODUS_CONFIG", () => {
    const config = loadConfig({ flags: {}, env: { PLEXODUS_CONFIG: yaml } });
    expect(config.mode).toBe("mirror");
  });

  it("reads JSON files and mapping objects", () => {
    const json = file("c.json", JSON.stringify({ pathMap: { "/data": "/media" }, users: ["Ann", "Bob"] }));
    const config = loadConfig({ flags: {}, env: {}, configFile: json });
    expect(config.pathMap).toEqual([{ from: "/data", to: "/media" }]);
    expect(config.users).toEqual(["Ann", "Bob"]);
  });

  it("parses repeated FROM=TO flags and comma lists", () => {
    const config = loadConfig({
      flags: { pathMap: ["D:\\Movies=/movies", "/tv=/shows"], users: "ann, bob", skip: "ratings,playlists" },
      env: {},
    });
    expect(config.pathMap).toEqual([
      { from: "D:\\Movies", to: "/movies" },
      { from: "/tv", to: "/shows" },
    ]);
    expect(config.users).toEqual(["ann", "bob"]);
    expect(config.kinds.has("ratings")).toBe(false);
    expect(config.kinds.has("watched")).toBe(true);
  });
});

describe("loadConfig rejections (exit 3, naming key and source)", () => {
  it("rejects an unknown key in a file, naming it", () => {
    const path = file("unknown.yaml", "concurency: 3\n");
    const error = configError(() => loadConfig({ flags: {}, env: {}, configFile: path }));
    expect(error.message).toContain('unknown key "concurency"');
    expect(error.message).toContain(path);
    expect(error.hint).toContain('"concurrency"');
  });

  it("rejects a wrong type in a file, naming key and file", () => {
    const path = file("type.json", JSON.stringify({ concurrency: "many" }));
    const error = configError(() => loadConfig({ flags: {}, env: {}, configFile: path }));
    expect(error.message).toContain("concurrency");
    expect(error.message).toContain(`config file ${path}`);
    expect(error.message).toContain("whole number");
  });

  it("names the environment variable a bad value came from", () => {
    const error = configError(() => loadConfig({ flags: {}, env: { PLEXODUS_TARGET_KIND: "plex" } }));
    expect(error.message).toContain("environment variable PLEXODUS_TARGET_KIND");
  });

  it("names the flag a bad value came from", () => {
    const error = configError(() => loadConfig({ flags: { mode: "sync" }, env: {} }));
    expect(error.message).toContain("flag --mode");
    expect(error.message).toContain("merge or mirror");
  });

  it.each([
    ["concurrency", "0"],
    ["concurrency", "65"],
    ["concurrency", "2.5"],
    ["favoriteMinRating", "11"],
    ["targetUrl", "ftp://x"],
    ["targetUrl", "http://user:pw@host"],
    ["plexTimezone", "Mars/Olympus"],
    ["only", "watched,everything"],
    ["pathMap", ["=/x"]],
    ["userMap", ["ann"]],
    ["createUsers", "perhaps"],
    ["timeout", "-1"],
  ])("rejects %s=%j", (key, value) => {
    const error = configError(() => loadConfig({ flags: { [key]: value }, env: {} }));
    expect(error.message).toContain(key);
  });

  it("never echoes a secret value", () => {
    const error = configError(() => loadConfig({ flags: { targetApiKey: "   " }, env: {} }));
    expect(error.message).toContain("targetApiKey");
  });

  it("rejects --plex-token without --plex-url", () => {
    const error = configError(() => loadConfig({ flags: { plexToken: "secret-token" }, env: {} }));
    expect(error.message).toContain("--plex-token");
    expect(error.message).toContain("--plex-url");
    expect(error.message).not.toContain("secret-token");
  });

  it("rejects a missing config file, a directory and bad syntax", () => {
    configError(() => loadConfig({ flags: {}, env: {}, configFile: join(dir, "absent.yaml") }));
    configError(() => loadConfig({ flags: {}, env: {}, configFile: dir }));
    const broken = file("broken.json", "{ not json");
    configError(() => loadConfig({ flags: {}, env: {}, configFile: broken }));
    const list = file("list.yaml", "- a\n- b\n");
    configError(() => loadConfig({ flags: {}, env: {}, configFile: list }));
  });

  it("rejects --only/--skip leaving nothing", () => {
    configError(() => loadConfig({ flags: { only: "watched", skip: "watched" }, env: {} }));
  });
});

describe("paths in a config file (issue 13 item 13)", () => {
  it("reads relative paths of every file option from the config file's folder; absolute ones stay", () => {
    const folder = mkdtempSync(join(tmpdir(), "plexodus-config-paths-"));
    const path = join(folder, "plexodus.yaml");
    const pathOptions = OPTIONS.filter((spec) => isPathOption(spec));
    expect(pathOptions.map((spec) => spec.key)).toEqual(
      expect.arrayContaining(["plexDb", "caFile", "credentialsFile", "journal"]),
    );
    writeFileSync(
      path,
      [...pathOptions.map((spec) => `${spec.key}: sub/${spec.key}.file`), "targetUrl: http://x.example"].join(
        "\n",
      ),
    );
    const config = loadConfig({ flags: {}, env: {}, configFile: path }) as unknown as Record<string, string>;
    for (const spec of pathOptions) expect(config[spec.key]).toBe(join(folder, "sub", `${spec.key}.file`));
    writeFileSync(path, "journal: /var/lib/plexodus/run.journal\n");
    expect(loadConfig({ flags: {}, env: {}, configFile: path }).journal).toBe(
      "/var/lib/plexodus/run.journal",
    );
  });

  it("takes secrets and other values as written: only file options are read as paths", () => {
    // The secret and file schemas were one object, so a token in a config file became a path.
    const folder = mkdtempSync(join(tmpdir(), "plexodus-config-secrets-"));
    const path = join(folder, "plexodus.yaml");
    writeFileSync(path, "plex-token: abc\ntarget-api-key: k1\ntautulli-api-key: t1\n");
    const config = loadConfig({ flags: {}, env: {}, configFile: path });
    expect([config.plexToken, config.targetApiKey, config.tautulliApiKey]).toEqual(["abc", "k1", "t1"]);
    expect(OPTIONS.filter((spec) => isPathOption(spec)).map((spec) => spec.key)).toEqual([
      "plexDb",
      "caFile",
      "credentialsFile",
      "journal",
      "report",
      "summaryMd",
      "log",
    ]);
  });

  it("leaves relative paths of flags and environment variables as typed (the current folder's)", () => {
    const config = loadConfig({ flags: { journal: "run.journal" }, env: { PLEXODUS_PLEX_DB: "plex.db" } });
    expect(config.journal).toBe("run.journal");
    expect(config.plexDb).toBe("plex.db");
  });
});
