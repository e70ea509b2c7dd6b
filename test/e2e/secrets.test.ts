import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/io.js";
import {
  expectExit,
  expectNoViolations,
  noEntryRemoval,
  SENTINEL_API_KEY,
  TARGETS,
  world,
} from "./helpers.js";

/** CLI.md "Output" and SEMANTICS §1/§7: no key or password in any output, plan or journal. */
describe.each(TARGETS)("secrets on $kind $version", ({ kind, version }) => {
  it("the API key and created users' passwords appear only where they belong", async () => {
    const w = await world({ kind, version });
    const outputs: CliResult[] = [];
    const cli = async (args: string[], code: number, env?: Record<string, string | undefined>) => {
      const result = await w.cli(args, env);
      expectExit(result, code);
      outputs.push(result);
      return result;
    };
    const planFile = join(w.dir, "plan.json");
    await cli(["plan", "--out", planFile, ...w.readFlags()], 0);
    await cli(["plan", "--json", ...w.readFlags()], 0);
    // The key given as a flag instead of the environment is just as hidden.
    await cli(
      [
        "apply",
        "--json",
        "--plan",
        planFile,
        "--target-api-key",
        SENTINEL_API_KEY,
        "--journal",
        w.journal,
        "--credentials-file",
        w.credentials,
      ],
      0,
      { PLEXODUS_TARGET_API_KEY: undefined },
    );
    await cli(["migrate", "--debug", ...w.flags()], 0);
    await cli(["verify", "--json", ...w.readFlags()], 0);
    await cli(
      ["rollback", "--journal", w.journal, "--target-url", w.box.url, "--include-users"],
      noEntryRemoval(kind, version) ? 1 : 0,
    );
    // Errors too: a wrong key and a revoked key end with exit 4 and do not echo it.
    await cli(["plan", ...w.readFlags(["--target-api-key", `${SENTINEL_API_KEY}x`])], 4);
    w.box.revokeApiKey();
    await cli(["migrate", "--debug", ...w.flags()], 4);

    const credentials = readFileSync(w.credentials, "utf8");
    expect(statSync(w.credentials).mode & 0o777).toBe(0o600);
    const passwords = credentials
      .trim()
      .split("\n")
      .map((line) => line.split("\t"));
    expect(passwords.map(([name]) => name).sort()).toEqual(["Kids", "account-23456789"]);
    const secrets = [SENTINEL_API_KEY, ...passwords.map(([, password]) => password!)];
    for (const secret of secrets) expect(secret.length).toBeGreaterThanOrEqual(16);

    const texts = outputs.flatMap((o) => [o.stdout, o.stderr]);
    // The plan, the journal (SQLite: db, -wal, -shm) and anything else the runs left behind.
    const files = readdirSync(w.dir).filter((name) => name !== "credentials.txt");
    expect(files).toContain("plan.json");
    expect(files).toContain("run.journal");
    for (const name of files) texts.push(readFileSync(join(w.dir, name)).toString("latin1"));
    for (const secret of secrets) {
      for (const text of texts)
        expect(text.includes(secret), `a secret leaked into:\n${text.slice(0, 400)}`).toBe(false);
    }
    expect(statSync(planFile).mode & 0o777).toBe(0o600);
    expectNoViolations(w.box);
  });
});
