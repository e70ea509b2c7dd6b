import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { run } from "../helpers/io.js";

/** The commands and their long options, from the same registration the CLI uses. */
function programShape(): Array<{ name: string; options: string[] }> {
  const program = new Command("plexodus");
  for (const register of COMMANDS) {
    register(program, {
      context: () => {
        throw new Error("not run");
      },
      setExitCode: () => {},
    });
  }
  return program.commands.map((command) => ({
    name: command.name(),
    options: command.options.map((option) => option.long!),
  }));
}

const shape = programShape();
const dir = mkdtempSync(join(tmpdir(), "plexodus-completion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function script(shell: string): Promise<string> {
  const result = await run(["completion", shell]);
  expect(result.code, result.stderr).toBe(0);
  const file = join(dir, `plexodus.${shell}`);
  writeFileSync(file, result.stdout);
  return file;
}

/** A shell found on PATH (zsh and fish are optional; bash is always there). */
function shellPath(name: string): string | null {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path !== "" && existsSync(path) ? path : null;
}

describe("plexodus completion", () => {
  it("knows every command, including completion itself", () => {
    expect(shape.map((c) => c.name)).toEqual(expect.arrayContaining(["plan", "migrate", "completion"]));
    expect(shape.find((c) => c.name === "plan")!.options).toContain("--report");
  });

  it("bash: the script is valid and completes every command and every option of each", async () => {
    const file = await script("bash");
    execFileSync("bash", ["-n", file]);
    const complete = (words: string[]) =>
      execFileSync(
        "bash",
        [
          "-c",
          `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _plexodus; printf '%s\\n' "\${COMPREPLY[@]}"`,
          "bash",
          file,
          ...words,
        ],
        { encoding: "utf8" },
      )
        .split("\n")
        .filter(Boolean);
    expect(complete(["plexodus", ""])).toEqual(expect.arrayContaining(shape.map((c) => c.name)));
    for (const command of shape) {
      expect(complete(["plexodus", command.name, "--"]), command.name).toEqual(
        expect.arrayContaining(command.options),
      );
    }
    expect(complete(["plexodus", "completion", ""])).toEqual(expect.arrayContaining(["bash", "zsh", "fish"]));
    expect(complete(["plexodus", "plan", "--target-kind", ""])).toEqual(["auto", "jellyfin", "emby"]);
    expect(complete(["plexodus", "plan", "--mode", "mi"])).toEqual(["mirror"]);
  });

  it("zsh: the script is valid and lists every command and option (skipped without zsh)", async (context) => {
    const zsh = shellPath("zsh");
    if (!zsh) return context.skip("zsh is not installed");
    const file = await script("zsh");
    execFileSync(zsh, ["-n", file]);
    const text = await run(["completion", "zsh"]).then((r) => r.stdout);
    for (const command of shape) {
      const block = text.slice(text.indexOf(`        ${command.name})\n`));
      expect(block.startsWith(`        ${command.name})`), command.name).toBe(true);
      const body = block.slice(0, block.indexOf("          ;;"));
      for (const option of command.options) expect(body, `${command.name} ${option}`).toContain(option);
      expect(text).toContain(`'${command.name}:`);
    }
  });

  it("fish: the script is valid and completes every command and option (skipped without fish)", async (context) => {
    const fish = shellPath("fish");
    if (!fish) return context.skip("fish is not installed");
    const file = await script("fish");
    execFileSync(fish, ["--no-execute", file]);
    const complete = (line: string) =>
      execFileSync(fish, ["-c", `source $argv[1]; complete -C "$argv[2]"`, file, line], { encoding: "utf8" })
        .split("\n")
        .map((entry) => entry.split("\t")[0]!)
        .filter(Boolean);
    expect(complete("plexodus ")).toEqual(expect.arrayContaining(shape.map((c) => c.name)));
    for (const command of shape) {
      expect(complete(`plexodus ${command.name} --`), command.name).toEqual(
        expect.arrayContaining(command.options),
      );
    }
  });

  it("refuses a shell it does not know (exit 3)", async () => {
    const result = await run(["completion", "tcsh"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("bash, zsh, fish");
  });
});
