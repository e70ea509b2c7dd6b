import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import { DEMO_USER_MAP, sampleTargetLibrary } from "../../src/sample/index.js";
import { expectExit, expectNoViolations, richLibrary, type World, world } from "./helpers.js";

/**
 * Issue 13, items 6–9 and 15 (14 is in test/readers/plex-api/): every line plan, verify and
 * inspect print is true. Each case runs the CLI against the Plex sample and a validating sandbox.
 */

/** The read flags without the maps of who is who: what a person forgets to pass to verify. */
function withoutUserMap(w: World): string[] {
  const flags = w.readFlags();
  return flags.filter(
    (flag, i) => flag !== "--user-map" && flags[i - 1] !== "--user-map" && flag !== "--create-users",
  );
}

/** A `--json` document; its shape is what the assertions check. */
function json(stdout: string) {
  return JSON.parse(stdout);
}

describe("reports say only what is true (issue 13)", () => {
  it("item 6: a plan that matched no item says nothing was compared, never 'No changes'", async () => {
    const library = sampleTargetLibrary();
    for (const section of library.libraries) section.items = [];
    library.playlists = [];
    library.collections = [];
    // Every account has its user: only the items are missing.
    library.users.push({ name: "Kids" }, { name: "account-23456789" });
    const w = await world({ kind: "jellyfin", version: "10.11", library });

    const text = await w.cli(["plan", ...w.readFlags()]);
    expectExit(text, 0);
    expect(text.stdout).not.toContain("No changes");
    expect(text.stdout).toContain("Nothing was compared: none of the 21 Plex items has a target item.");
    expect(text.stdout).toContain("Compared: 4 of 4 Plex accounts, 0 of 21 Plex items.");
    expect(text.stdout).toContain(
      "Not compared:\n  21 Plex items with no target item (14 with history, playlists or collections; see Unmatched)",
    );

    const doc = json((await w.cli(["plan", "--json", ...w.readFlags()])).stdout);
    expect(doc.summary.changes).toBe(0);
    expect(doc.summary.compared).toEqual({
      users: { compared: 4, notCompared: 0 },
      items: { matched: 0, unmatched: 21 },
      notComparedUsers: [],
    });
    expectNoViolations(w.box);
  });

  it("item 6: verify without the migration's --user-map says which accounts it did not compare", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    expectExit(await w.cli(["migrate", "--yes", ...w.flags()]), 0);

    const full = await w.cli(["verify", ...w.readFlags()]);
    expectExit(full, 0);
    expect(full.stdout).toContain("Compared: 4 of 4 Plex accounts");

    const partial = await w.cli(["verify", ...withoutUserMap(w)]);
    expectExit(partial, 0);
    expect(partial.stdout).not.toContain("No drift: the target holds everything");
    expect(partial.stdout).toContain("No drift in what was compared");
    expect(partial.stdout).toContain("Compared: 2 of 4 Plex accounts");
    expect(partial.stdout).toContain(
      "  2 Plex accounts with no target user: plexowner (unmapped), alex.friend (unmapped) — give verify the migration's --user-map",
    );

    const doc = json((await w.cli(["verify", "--json", ...withoutUserMap(w)])).stdout);
    expect(doc.drift).toBe(0);
    expect(doc.summary.compared.users).toEqual({ compared: 2, notCompared: 2 });
    expect(doc.summary.compared.notComparedUsers).toEqual([
      { name: "plexowner", reason: "unmapped" },
      { name: "alex.friend", reason: "unmapped" },
    ]);
    expect(doc.summary.compared.items.matched).toBeGreaterThan(0);
    expectNoViolations(w.box);
  });

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

  it("item 8: with no provider ids and no path map, the plan counts each rule and lists the title + year matches", async () => {
    const library = richLibrary();
    const strip = (items: Array<{ providerIds?: unknown; children?: unknown[] }> | undefined) => {
      for (const entry of items ?? []) {
        delete entry.providerIds;
        strip(entry.children as typeof items);
      }
    };
    for (const section of library.libraries) strip(section.items);
    const w = await world({ kind: "jellyfin", version: "10.11", library });
    const flags = [
      "--plex-db",
      w.plexDb,
      "--target-url",
      w.box.url,
      ...DEMO_USER_MAP.flatMap((m) => ["--user-map", `${m.from}=${m.to}`]),
      "--create-users",
    ];

    const text = await w.cli(["plan", ...flags]);
    expectExit(text, 0);
    expect(text.stdout).toContain(
      "Matching: 12 of 21 Plex items paired with a target item (external ids 0, season and episode 4, file path 0, title + year 8)",
    );
    expect(text.stdout).toContain("Weak matches: title + year only, check these (8)");
    expect(text.stdout).toMatch(
      / {2}≈ The Matrix \(1999\) {2}\[Movies, movie\] → "The Matrix \(1999\)" \(target \w+\)/,
    );
    expect(text.stdout).toContain("≈ Breaking Bad (2008)  [TV Shows, show]");
    expect(text.stdout).toContain("4 more items (episodes, seasons, albums, tracks) were paired by number");

    const { plan, summary } = json((await w.cli(["plan", "--json", ...flags])).stdout);
    expect(plan.matching.byRule).toEqual({ "external-id": 0, episode: 4, path: 0, "title-year": 8 });
    expect(plan.matching.weak).toBe(12);
    expect(plan.matching.titleYear.map((m: { title: string }) => m.title)).toContain("The Matrix (1999)");
    expect(plan.matching.titleYear[0]).toMatchObject({ kind: "movie", library: "Movies" });
    expect(summary.matching).toEqual({
      byRule: { "external-id": 0, episode: 4, path: 0, "title-year": 8 },
      weak: 12,
      titleYear: 8,
      conflicts: 0,
    });
    expectNoViolations(w.box);
  });

  it("item 9: a database with local-time text dates names the zone it was read in, in plan and inspect", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const legacy = join(w.dir, "legacy.db");
    writeSampleDatabase(legacy, { variant: "legacy", timeZone: "America/New_York" });
    const flags = [...w.readFlags(), "--plex-db", legacy, "--plex-timezone", "America/New_York"];

    const plan = await w.cli(["plan", ...flags]);
    expectExit(plan, 0);
    expect(plan.stdout).toMatch(
      /Dates: \d+ dates in the Plex database are local time without a zone; read as America\/New_York time\./,
    );
    expect(plan.stdout).toContain("pass --plex-timezone ZONE (or set PLEXODUS_PLEX_TIMEZONE)");
    const planDoc = json((await w.cli(["plan", "--json", ...flags])).stdout);
    expect(planDoc.plan.source.localTimeZone).toEqual({
      zone: "America/New_York",
      dates: expect.any(Number),
    });

    const inspect = await w.cli(["inspect", "--plex-db", legacy, "--plex-timezone", "America/New_York"]);
    expectExit(inspect, 0);
    expect(inspect.stdout).toContain("read as America/New_York time.");
    const inspectDoc = json(
      (await w.cli(["inspect", "--json", "--plex-db", legacy, "--plex-timezone", "America/New_York"])).stdout,
    );
    expect(inspectDoc.source.localTimeZone).toEqual(planDoc.plan.source.localTimeZone);
    expect(inspectDoc.source.localTimeZone.dates).toBeGreaterThan(0);

    // A current database stores numbers: nothing to say, and null in JSON.
    const current = await w.cli(["plan", ...w.readFlags()]);
    expect(current.stdout).not.toContain("Dates:");
    expect(
      json((await w.cli(["plan", "--json", ...w.readFlags()])).stdout).plan.source.localTimeZone,
    ).toBeNull();
    expectNoViolations(w.box);
  });

  it("item 15: the totals line adds up, and says that one write can touch several categories", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const text = await w.cli(["plan", ...w.readFlags()]);
    expectExit(text, 0);
    const totals =
      /Plan: (\d+) changes \(users (\d+), user data (\d+), playlists (\d+), collections (\d+)\)/.exec(
        text.stdout,
      );
    expect(totals).not.toBeNull();
    const [total, ...parts] = totals!.slice(1).map(Number);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    expect(text.stdout).toMatch(
      /The (\d+) user-data writes touch watched \d+, progress \d+, ratings \d+ \(one write can touch several\)\./,
    );

    const { summary } = json((await w.cli(["plan", "--json", ...w.readFlags()])).stdout);
    const byKind = Object.values(summary.byKind as Record<string, number>);
    expect(byKind.reduce((a, b) => a + b, 0)).toBe(summary.changes);
    expect(summary.byKind.userData).toBe(parts[1]);
    // Categories say what the writes touch and may add up to more: the text says why.
    const categories = Object.values(summary.planned as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(categories).toBeGreaterThan(summary.changes);
    expectNoViolations(w.box);
  });
});
