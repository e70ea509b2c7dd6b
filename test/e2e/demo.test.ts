import { describe, expect, it } from "vitest";
import { run } from "../helpers/io.js";

describe.each(["jellyfin", "emby"])("plexodus demo --kind %s", (kind) => {
  it("exits 0 and prints the plan, the apply table and no drift", async () => {
    const result = await run(["demo", "--kind", kind]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`bundled Plex sample → ${kind}`);
    expect(result.stdout).toMatch(/Plan: \d+ changes \(users 2, /);
    expect(result.stdout).toMatch(/category\s+planned\s+done\s+conflicts\s+failed\s+skipped/);
    expect(result.stdout).toMatch(/watched\s+13\s+13\s+0\s+0\s+0/);
    expect(result.stdout).toContain("No drift");
    expect(result.stdout).toContain("A second run would send 0 writes");
  });
});
