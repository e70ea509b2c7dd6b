import { describe, expect, it } from "vitest";
import { expectExit, expectNoViolations, world } from "./helpers.js";

/**
 * Issue 13, items 6–9, 14 and 15: every line plan, verify and inspect print is true. Each case
 * runs the CLI against the Plex sample and a validating sandbox.
 */

describe("reports say only what is true (issue 13)", () => {
  it("item 7: a misspelled --user-map Plex name stops the run (exit 3) and lists the accounts", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const flags = w.readFlags(["--user-map", "plexownr=admin", "--exclude-users", "Kids"]);
    const out = await w.cli(["plan", ...flags]);
    expectExit(out, 3);
    expect(out.stderr).toContain('--user-map names an unknown user: "plexownr"');
    expect(out.stderr).toContain("Known users: account-23456789, alex.friend, plexowner");
    // An excluded account is never named, not even among the choices.
    expect(out.stderr).not.toContain("Kids");
    expect(out.stdout).toBe("");
    expectNoViolations(w.box);
  });
});
