import { describe, expect, it } from "vitest";
import { run } from "../helpers/io.js";

describe.each(["jellyfin", "emby"])("plexodus demo --kind %s", (kind) => {
  it("exits 0 and prints the plan, the apply table and no drift", async () => {
    const result = await run(["demo", "--kind", kind]);
    expect(result.code, result.stderr).toBe(0);
    // Jellyfin's demo runs against the 12.0 personality, the release people install now.
    expect(result.stdout).toContain(
      `bundled Plex sample → ${kind} ${kind === "jellyfin" ? "12.0" : "4.9"} sandbox`,
    );
    expect(result.stdout).toMatch(/Plan: \d+ changes \(users 2, /);
    expect(result.stdout).toMatch(/category\s+planned\s+done\s+conflicts\s+failed\s+skipped/);
    expect(result.stdout).toMatch(/watched\s+13\s+13\s+0\s+0\s+0/);
    expect(result.stdout).toContain("No drift");
    expect(result.stdout).toContain("A second run would send 0 writes");
    // The summary counts what the plan carried per person (the owner kept the target's 5 plays
    // of The Matrix, so only the other items add plays).
    expect(result.stdout).toContain(
      "admin: 5 items marked played (17 plays added), 8 last-played dates, 1 resume position, 3 ratings, 1 playlist",
    );
    expect(result.stdout).toContain("users created: account-23456789, Kids");
  });
});
