import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeScaleDatabase } from "../../fixtures/plex/scale.js";
import { expectExit, world } from "../e2e/helpers.js";

/** Lines of one plan section: from its heading to the next blank line. */
function section(stdout: string, heading: RegExp): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => heading.test(line));
  expect(start, `no section ${heading}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && line === "");
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe("plan --full", () => {
  it("prints every line where the default stops at 20 and says how many it left out", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    // A generated library none of whose items the sandbox holds: a long Unmatched list.
    const plexDb = join(w.dir, "scale.db");
    writeScaleDatabase(plexDb, { items: 80, accounts: 2, states: 400, history: 400 });
    const flags = ["plan", "--plex-db", plexDb, "--target-url", w.box.url, "--create-users"];

    const short = await w.cli(flags);
    expectExit(short, 0);
    const heading = /^Unmatched \((\d+)\)$/;
    const total = Number(
      short.stdout
        .split("\n")
        .find((line) => heading.test(line))!
        .match(heading)![1],
    );
    expect(total).toBeGreaterThan(20);
    const cut = section(short.stdout, heading);
    expect(cut).toHaveLength(21);
    expect(cut.at(-1)).toBe(`  … and ${total - 20} more (--full lists all, or see --json)`);

    const full = await w.cli([...flags, "--full"]);
    expectExit(full, 0);
    const all = section(full.stdout, heading);
    expect(all).toHaveLength(total);
    expect(all.every((line) => line.startsWith("  ? "))).toBe(true);
    expect(full.stdout).not.toContain("--full lists all");
    // The first 20 are the same lines in the same order.
    expect(all.slice(0, 20)).toEqual(cut.slice(0, 20));
  }, 120_000);
});
