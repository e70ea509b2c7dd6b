import { describe, expect, it } from "vitest";
import { run } from "../helpers/io.js";

/**
 * Issue 14, start: commands register their names, options and help without loading what they
 * run. The help each command prints is kept here word for word (test/cli/start-help/), so
 * loading implementations lazily cannot drop or change an option. A deliberate help change
 * updates these files (`npx vitest run test/cli/start-help.test.ts -u`) and shows in review.
 */

const COMMANDS = ["inspect", "plan", "apply", "migrate", "rehearse", "verify", "rollback", "demo", "sandbox"];

async function helpOf(args: string[]): Promise<string> {
  const result = await run(args);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe("");
  return result.stdout;
}

describe("help text, word for word (issue 14: lazy commands keep their help)", () => {
  it("plexodus --help", async () => {
    await expect(await helpOf(["--help"])).toMatchFileSnapshot("start-help/plexodus.txt");
  });

  it.each(COMMANDS)("plexodus %s --help", async (command) => {
    await expect(await helpOf([command, "--help"])).toMatchFileSnapshot(`start-help/${command}.txt`);
  });

  it.each(COMMANDS)("plexodus help %s prints the same as %s --help", async (command) => {
    expect(await helpOf(["help", command])).toBe(await helpOf([command, "--help"]));
  });

  it("every command the program lists has its help kept here", async () => {
    const listed = [...(await helpOf(["--help"])).matchAll(/^ {2}([a-z]+)(?: \[[a-z]+\])? {2,}/gm)]
      .map((match) => match[1])
      .filter((name) => name !== "help");
    expect(listed).toEqual(COMMANDS);
  });
});
