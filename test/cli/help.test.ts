import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { describe, expect, it } from "vitest";
import { expectExit, world } from "../e2e/helpers.js";
import { programTree, run } from "../helpers/io.js";

/** Issue 13 item 13: help that tells the truth, and errors that name the mistake. */

async function help(command: string): Promise<string> {
  const result = await run([command, "--help"]);
  expect(result.code).toBe(0);
  return result.stdout;
}

const COMMANDS_WITH_JSON = ["inspect", "plan", "apply", "migrate", "verify", "rollback"];

describe("help lists what each command uses (issue 13 item 13)", () => {
  it("plan and verify do not list --credentials-file (only applying creates users)", async () => {
    expect(await help("plan")).not.toContain("--credentials-file");
    expect(await help("verify")).not.toContain("--credentials-file");
    expect(await help("apply")).toContain("--credentials-file");
    expect(await help("migrate")).toContain("--credentials-file");
  });

  it("verify does not list --detailed-exitcode (it exits 2 on drift either way) and says what --create-users means for it", async () => {
    const text = await help("verify");
    expect(text).not.toContain("--detailed-exitcode");
    expect(text.replace(/\s+/g, " ")).toContain(
      "--create-users the migration created target users (migrate --create-users): a Plex account without one is reported as a missing user",
    );
    expect(await help("plan")).toContain("--detailed-exitcode");
  });

  it("still accepts those options, so one command line serves plan, migrate and verify", async () => {
    for (const command of ["plan", "verify"]) {
      const result = await run([
        command,
        "--plex-db",
        "/nonexistent.db",
        "--target-url",
        "http://127.0.0.1:9",
        "--target-api-key",
        "k",
        "--credentials-file",
        "creds.txt",
        "--detailed-exitcode",
      ]);
      expect(result.stderr).not.toContain("unknown option");
      expect(result.code, result.stderr).toBe(4);
    }
  });

  it.each(COMMANDS_WITH_JSON)("%s --help lists --json and --config", async (command) => {
    const text = await help(command);
    expect(text).toMatch(/^ {2}--json +machine-readable result on stdout/m);
    expect(text).toMatch(/^ {2}--config <file> +JSON or YAML file/m);
  });

  it.each(["demo", "sandbox"])(
    "%s prints no JSON document: its help does not offer --json, and it refuses it",
    async (command) => {
      expect(await help(command)).not.toContain("--json");
      const result = await run(
        command === "sandbox" ? [command, "--kind", "jellyfin", "--json"] : [command, "--json"],
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`\`plexodus ${command}\` does not take --json`);
    },
  );

  it("descriptions are written one way: lower case first (names and acronyms aside), no closing period", () => {
    const proper = /^(Plex|Jellyfin|Emby|Tautulli|JSON|YAML|API|URL|CA|TLS|HTML|Markdown)\b/;
    const offenders: string[] = [];
    const check = (where: string, text: string) => {
      if (text === "") return;
      if (/^[A-Z]/.test(text) && !proper.test(text)) offenders.push(`${where}: starts upper case: ${text}`);
      if (/\.\s*$/.test(text)) offenders.push(`${where}: ends with a period: ${text}`);
    };
    const root = programTree();
    for (const command of [root, ...root.commands]) {
      check(`${command.name()}`, command.description());
      for (const option of command.options) check(`${command.name()} ${option.flags}`, option.description);
    }
    expect(offenders).toEqual([]);
  });

  it("demo --keep keeps what its help says", async () => {
    const said = (await help("demo")).replace(/\s+/g, " ");
    expect(said).toContain(
      "--keep keep the demo's temporary folder (the sample Plex database, the journal and the created users' credentials file) and print its path",
    );
    const result = await run(["demo", "--keep"]);
    expect(result.code, result.stderr).toBe(0);
    const line = /Demo files kept in (\S+): (.*)$/m.exec(result.stdout);
    expect(line).not.toBeNull();
    const folder = line![1]!;
    try {
      const files = readdirSync(folder).sort();
      expect(line![2]).toBe(files.join(", "));
      expect(files.some((f) => f === "com.plexapp.plugins.library.db")).toBe(true);
      expect(files.some((f) => f.endsWith(".journal"))).toBe(true);
      expect(files.some((f) => f.startsWith("credentials"))).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("errors that name the mistake (issue 13 item 13)", () => {
  it("an unknown library name lists the known libraries, spelled right", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const result = await w.cli(["plan", ...w.readFlags(["--libraries", "Filmz"])]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("Known libraries: Movies, Music, Old Movies, TV Shows");
    expect(result.stderr).not.toContain("librarys");
  });

  it("a stray argument (an unquoted path with a space) is named, with the quoted value", async () => {
    const result = await run([
      "plan",
      "--plex-db",
      "/my",
      "media/x.db",
      "--target-url",
      "http://127.0.0.1:9",
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("unexpected argument 'media/x.db' — quote paths that contain spaces");
    expect(result.stderr).toContain("Did you mean --plex-db '/my media/x.db'?");
  });

  it("two stray arguments are both named", async () => {
    const result = await run(["inspect", "extra", "words"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("unexpected arguments 'extra', 'words'");
  });
});

describe("relative paths in a config file are read from the config file's folder (issue 13 item 13)", () => {
  it("plex-db, journal, credentials-file and ca-file next to the config, whatever the current folder", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const configDir = join(w.dir, "config");
    const elsewhere = join(w.dir, "elsewhere");
    mkdirSync(join(configDir, "data"), { recursive: true });
    mkdirSync(elsewhere);
    copyFileSync(w.plexDb, join(configDir, "data", "plex.db"));
    writeFileSync(join(configDir, "ca.pem"), rootCertificates[0]!);
    const config = join(configDir, "plexodus.yaml");
    writeFileSync(
      config,
      [
        "plex-db: data/plex.db",
        `target-url: ${w.box.url}`,
        "journal: run.journal",
        "credentials-file: ./data/credentials.txt",
        "ca-file: ca.pem",
        "create-users: true",
      ].join("\n"),
    );
    const maps = w
      .readFlags()
      .flatMap((arg, i, all) => (arg === "--path-map" || arg === "--user-map" ? [arg, all[i + 1]!] : []));
    const result = await run(["migrate", "--config", "../config/plexodus.yaml", "--yes", ...maps], {
      cwd: elsewhere,
      env: { PLEXODUS_TARGET_API_KEY: w.box.apiKey },
    });
    expectExit(result, 0);
    expect(existsSync(join(configDir, "run.journal"))).toBe(true);
    expect(existsSync(join(configDir, "data", "credentials.txt"))).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
  }, 60_000);
});
