import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../../fixtures/plex/write.js";
import { serveSandbox } from "../../../src/cli/commands/sandbox.js";
import { createContext } from "../../../src/cli/context.js";
import { SAMPLE_SCENARIO } from "../../../src/sample/index.js";
import { BIN, ensureBuilt } from "../../helpers/dist.js";
import { capture, run } from "../../helpers/io.js";

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

describe("plexodus sandbox --kind plex leaves the person's files alone (issue 13 item 12)", () => {
  it("--library DB: a WAL-mode database gets no -wal or -shm beside it, while serving or after", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plexodus-plex-wal-"));
    try {
      const path = join(dir, "com.plexapp.plugins.library.db");
      writeSampleDatabase(path);
      // Plex keeps its database in WAL mode; the mode is stored in the file itself.
      const db = new Database(path);
      expect(db.pragma("journal_mode = WAL", { simple: true })).toBe("wal");
      db.close();
      const before = readdirSync(dir);
      expect(before).toEqual(["com.plexapp.plugins.library.db"]);
      const { io, linesAtLeast } = capture();
      const controller = new AbortController();
      const serving = serveSandbox({ kind: "plex", library: path }, createContext(io, {}), controller.signal);
      const [url, tokenLine] = await linesAtLeast(2);
      const token = tokenLine!.replace("token: ", "");
      const sections = await fetch(`${url}/library/sections`, { headers: { "X-Plex-Token": token } });
      expect(sections.status).toBe(200);
      expect(readdirSync(dir)).toEqual(before);
      controller.abort();
      await serving;
      expect(readdirSync(dir)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--library that is not a Plex database: exit 5 with the reason, not a bug", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plexodus-plex-bad-"));
    try {
      const text = join(dir, "notes.db");
      writeFileSync(text, "not a database at all, just some text that is long enough");
      for (const library of [text, dir, join(dir, "missing.db")]) {
        const result = await run(["sandbox", "--kind", "plex", "--library", library]);
        expect(result.code, result.stderr).toBe(5);
        expect(result.stderr).not.toContain("This is a bug");
      }
      expect(readdirSync(dir)).toEqual(["notes.db"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without --library: serves the bundled sample as it is, writing no temporary database", async (t) => {
    const reason = ensureBuilt();
    if (reason) t.skip(reason);
    const temp = mkdtempSync(join(tmpdir(), "plexodus-plex-tmpdir-"));
    const child = spawn(process.execPath, [BIN, "sandbox", "--kind", "plex", "--api-key", "owner-token-1"], {
      env: { PATH: process.env.PATH ?? "", TMPDIR: temp },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        child.on("exit", (code) => reject(new Error(`sandbox ended with ${code}`)));
      });
      const accounts = await fetch(`${url}/accounts`, { headers: { "X-Plex-Token": "owner-token-1" } });
      const body = (await accounts.json()) as { MediaContainer: { Account: { name: string }[] } };
      expect(body.MediaContainer.Account.map((a) => a.name)).toEqual(
        expect.arrayContaining(SAMPLE_SCENARIO.accounts.filter((a) => a.id !== 0).map((a) => a.name)),
      );
      expect(readdirSync(temp)).toEqual([]);
      const ended = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGINT");
      expect(await ended).toBe(0);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
      rmSync(temp, { recursive: true, force: true });
    }
  }, 180_000);
});
