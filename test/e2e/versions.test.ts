import { describe, expect, it } from "vitest";
import { NEWER_THAN_KNOWN } from "../../src/targets/families.js";
import { EXPECTED_MERGE } from "./expected.js";
import { endState, expectExit, expectNoViolations, world } from "./helpers.js";

/**
 * Servers newer than the newest release plexodus knows are served by the newest dialect with
 * one warning line (and a `warnings` entry with --json); servers older than the supported range
 * are refused with exit 4. The sandbox reports the version; it behaves as its personality.
 */

const NEWER = [
  { kind: "jellyfin", version: "12.0", reported: "12.9.0", name: "Jellyfin", newest: "12.1" },
  { kind: "jellyfin", version: "12.0", reported: "13.0.0", name: "Jellyfin", newest: "12.1" },
  { kind: "emby", version: "4.10", reported: "4.11.0.0", name: "Emby", newest: "4.10.1" },
] as const;

const warningLines = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("Warning:"));

describe.each(NEWER)("a $name server reporting $reported", ({ kind, version, reported, name, newest }) => {
  const message = `${name} ${reported} is newer than the newest version plexodus knows (${newest}); going on as with ${newest} (check the result with verify).`;

  it("is migrated with the newest dialect, saying so in one warning line", async () => {
    const w = await world({ kind, version, reportedVersion: reported });
    // migrate connects twice (plan, then apply): the warning still shows once.
    const result = await w.cli(["migrate", ...w.flags()]);
    expectExit(result, 0);
    expect(warningLines(result.stderr)).toEqual([`Warning: ${message}`]);
    expect(result.stdout).not.toContain("Warning:");
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  });

  it("carries the warning in the --json document of plan and verify", async () => {
    const w = await world({ kind, version, reportedVersion: reported });
    for (const command of ["plan", "verify"]) {
      const result = await w.cli([command, "--json", ...w.readFlags()]);
      expect([0, 2]).toContain(result.code);
      const document = JSON.parse(result.stdout);
      expect(document.warnings).toEqual([{ code: NEWER_THAN_KNOWN, message }]);
      expect(warningLines(result.stderr)).toEqual([`Warning: ${message}`]);
    }
  });
});

const OLDER = [
  { kind: "jellyfin", version: "10.8", reported: "10.7.7", name: "Jellyfin", oldest: "10.8" },
  { kind: "emby", version: "4.7", reported: "4.6.7.0", name: "Emby", oldest: "4.7" },
] as const;

describe.each(OLDER)("a $name server reporting $reported", ({ kind, version, reported, name, oldest }) => {
  it("is refused with exit 4 before anything is read or written", async () => {
    const w = await world({ kind, version, reportedVersion: reported });
    for (const command of [
      ["plan", ...w.readFlags()],
      ["migrate", ...w.flags()],
      ["plan", "--json", ...w.readFlags()],
    ]) {
      const result = await w.cli(command);
      expectExit(result, 4);
      expect(result.stderr).toContain(
        `runs ${name} ${reported}; plexodus supports ${name} ${oldest} or later`,
      );
      expect(result.stderr).toContain(`Upgrade the server to ${name} ${oldest} or later.`);
      expect(result.stdout).toBe("");
    }
    // Only the version was asked for.
    expect(new Set(w.box.requests.map((request) => request.path))).toEqual(new Set(["/System/Info/Public"]));
  });
});

describe("Emby 4.10", () => {
  it("is migrated like 4.9, without a warning", async () => {
    const w = await world({ kind: "emby", version: "4.10" });
    const result = await w.cli(["migrate", ...w.flags()]);
    expectExit(result, 0);
    expect(result.stderr).not.toContain("Warning:");
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  });
});
