import { describe, expect, it } from "vitest";
import { run } from "../helpers/io.js";

describe("plexodus program", () => {
  it("prints help with exit 0", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: plexodus");
    expect(result.stdout).toContain("--config <file>");
  });

  it("prints the package version", async () => {
    const result = await run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("rejects an unknown option with exit 3", async () => {
    const result = await run(["--no-such-option"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("unknown option");
  });
});
