import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serveSandbox } from "../../src/cli/commands/sandbox.js";
import { createContext } from "../../src/cli/context.js";
import type { DataRow, ListChange, PersonOutcome } from "../../src/pipeline/rehearsal-outcome.js";
import type { SandboxState } from "../../src/sandbox/index.js";
import { connectTarget } from "../../src/targets/detect.js";
import { capture } from "../helpers/io.js";
import {
  expectExit,
  expectNoViolations,
  richLibrary,
  SENTINEL_API_KEY,
  type World,
  world,
} from "./helpers.js";

/**
 * `rehearse` against a sandbox playing the real server: it sends only reads, and a `migrate`
 * that follows reaches exactly the end state the rehearsal printed (compared per user and item,
 * field by field, from the sandbox's dumps).
 */

interface RehearsalDocument {
  succeeded: boolean;
  realTarget: { requests: number };
  people: PersonOutcome[];
  collections: ListChange[];
  failures: { title: string; reason: string }[];
  limitations: string[];
  drift: unknown[];
  mismatches: unknown[];
}

/** The parts of a dump a migration decides, keyed as the real server names them. */
interface Held {
  users: string[];
  userData: Record<string, Record<string, DataRow>>;
  playlists: Record<string, string[]>;
  collections: Record<string, string[]>;
}

function held(dump: SandboxState): Held {
  const userData: Held["userData"] = {};
  for (const [user, items] of Object.entries(dump.userData)) {
    const rows: Record<string, DataRow> = {};
    for (const [itemId, data] of Object.entries(items)) {
      rows[itemId] = {
        played: data.played,
        playCount: data.playCount,
        lastPlayedAt: data.lastPlayedDate === null ? null : new Date(data.lastPlayedDate).toISOString(),
        positionMs: data.playbackPositionTicks / 10_000,
        rating: data.rating,
        isFavorite: data.isFavorite,
      };
    }
    if (Object.keys(rows).length > 0) userData[user] = rows;
  }
  return {
    users: dump.users.map((user) => user.name).sort(),
    userData,
    playlists: Object.fromEntries(
      dump.playlists.map((p) => [`${p.owner}/${p.name}`, p.entries.map((e) => e.itemId)]),
    ),
    collections: Object.fromEntries(dump.collections.map((c) => [c.name, c.members.map((m) => m.itemId)])),
  };
}

const isEmpty = (row: DataRow) =>
  !row.played &&
  row.playCount === 0 &&
  row.lastPlayedAt === null &&
  row.positionMs === 0 &&
  row.rating === null &&
  !row.isFavorite;

/** Today's state with every difference the rehearsal printed applied to it. */
function predicted(before: SandboxState, document: RehearsalDocument): Held {
  const state = held(before);
  for (const person of document.people) {
    if (person.created) state.users = [...state.users, person.name].sort();
    const rows = { ...state.userData[person.name] };
    for (const change of person.items) {
      if (isEmpty(change.after)) delete rows[change.itemId];
      else rows[change.itemId] = change.after;
    }
    if (Object.keys(rows).length > 0) state.userData[person.name] = rows;
    for (const list of person.playlists) state.playlists[`${person.name}/${list.name}`] = list.after;
  }
  for (const list of document.collections) state.collections[list.name] = list.after;
  return state;
}

/** Rehearses (JSON), checks that only reads reached the target, migrates, compares. */
async function rehearseThenMigrate(
  w: World,
  expected: { rehearse: number; migrate: number },
): Promise<RehearsalDocument> {
  const before = w.box.dump();
  const start = w.box.requests.length;
  // The very command line the migration below runs with.
  const rehearsal = await w.cli(["rehearse", "--json", ...w.flags()]);
  expectExit(rehearsal, expected.rehearse);
  // The rehearsal keeps its journal and created users' passwords in a folder of its own.
  expect(existsSync(w.journal)).toBe(false);
  expect(existsSync(w.credentials)).toBe(false);
  const sent = w.box.requests.slice(start);
  expect(sent.filter((request) => request.method !== "GET")).toEqual([]);
  const document = JSON.parse(rehearsal.stdout) as RehearsalDocument;
  expect(document.realTarget.requests).toBe(sent.length);
  // Nothing changed on the real server.
  expect(w.box.dump()).toEqual(before);

  // The people the rehearsal names carry the real server's ids.
  for (const person of document.people.filter((p) => !p.created)) {
    expect(before.users.find((user) => user.name === person.name)?.id).toBe(person.id);
  }

  const migrate = await w.cli(["migrate", ...w.flags()]);
  expectExit(migrate, expected.migrate);
  expect(held(w.box.dump())).toEqual(predicted(before, document));
  return document;
}

// Each test runs whole migrations (rehearsed and real) and counts requests; nothing is timed.
describe("rehearse", { timeout: 120_000 }, () => {
  it("reads the target with the requests plan sends, and migrate ends exactly where it said (Jellyfin 10.11)", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const start = w.box.requests.length;
    expectExit(await w.cli(["plan", ...w.readFlags()]), 0);
    const planReads = w.box.requests.length - start;

    const document = await rehearseThenMigrate(w, { rehearse: 0, migrate: 0 });
    expect(document.succeeded).toBe(true);
    // The same paged reads as plan, no more.
    expect(document.realTarget.requests).toBe(planReads);
    expect(document.people.map((p) => [p.name, p.created])).toEqual([
      ["admin", false],
      ["Alex", false],
      ["account-23456789", true],
      ["Kids", true],
    ]);
    const kids = document.people.find((p) => p.name === "Kids")!;
    expect(kids.playlists).toEqual([
      expect.objectContaining({ id: null, name: "Road Trip", created: true, before: [] }),
    ]);
    // alice and bob are target users no Plex account maps to: the rehearsal never names them.
    expect(JSON.stringify(document)).not.toMatch(/alice|"bob"/i);
    expectNoViolations(w.box);
  });

  it("says in words that nothing was written, and what each person would have", async () => {
    const w = await world({ kind: "emby", version: "4.8" });
    const start = w.box.requests.length;
    const result = await w.cli(["rehearse", ...w.readFlags()]);
    expectExit(result, 0);
    expect(w.box.requests.slice(start).every((request) => request.method === "GET")).toBe(true);
    expect(result.stdout).toContain(
      `Read it with ${w.box.requests.length - start} requests, all reads (GET); nothing was sent that writes.`,
    );
    expect(result.stdout).toMatch(/^Kids {2}\(new user; from Plex: Kids\)$/m);
    expect(result.stdout).toContain("    ~ The Matrix (1999)  rating: — → 7");
    expect(result.stdout).toContain("    + Road Trip  (new, 2 entries)");
    expect(result.stdout).toContain(
      "The copy (2 users, 3 libraries, 32 items, 5 with user data, 1 playlist, 1 collection) ran in a sandbox playing emby 4.8.",
    );
    // What was compared, in the words plan and verify use.
    expect(result.stdout).toContain("Compared: 4 of 4 Plex accounts, 18 of 21 Plex items.");
    expect(result.stdout).toContain("The real migration would end with no failure and no drift.");
    expect(result.stdout).not.toContain(SENTINEL_API_KEY);
    expect(result.stderr).not.toContain(SENTINEL_API_KEY);
  });

  it("--report and --summary-md describe the real target and what would move, and still nothing is written", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const start = w.box.requests.length;
    const result = await w.cli(["rehearse", ...w.readFlags(), "--report", "r.html", "--summary-md", "s.md"]);
    expectExit(result, 0);
    expect(w.box.requests.slice(start).every((request) => request.method === "GET")).toBe(true);
    const html = readFileSync(join(w.dir, "r.html"), "utf8");
    const summary = readFileSync(join(w.dir, "s.md"), "utf8");
    expect(html).toContain("plexodus rehearse report");
    // The real server, not the in-process copy the rehearsal ran in.
    expect(summary).toContain(`at ${w.box.url}`);
    expect(summary).toMatch(/Would carry/);
    expect(summary).not.toMatch(/confirmed by the target/);
    for (const text of [html, summary, result.stdout]) expect(text).not.toContain(SENTINEL_API_KEY);
  });

  it("reports what Emby 4.7 cannot take (private playlists) before the real run, which then ends the same", async () => {
    const w = await world({ kind: "emby", version: "4.7" });
    const text = await w.cli(["rehearse", ...w.readFlags()]);
    expectExit(text, 0);
    const notMigrated = "The target shares every playlist with all users, so 2 playlists were not migrated";
    expect(text.stdout).toContain(`Would not migrate (what this server cannot take)\n  ! ${notMigrated}`);
    const document = await rehearseThenMigrate(w, { rehearse: 0, migrate: 0 });
    expect(document.limitations.join("\n")).toContain(notMigrated);
    expect(document.people.flatMap((p) => p.playlists)).toEqual([]);
    expectNoViolations(w.box);
  });

  it("lists the writes that would fail (Jellyfin 10.8 keeps one media type per playlist), exits 1, and migrate fails the same way", async () => {
    // admin's "Movie Night" already holds a song: 10.8 drops the films the migration appends.
    const library = richLibrary();
    library.playlists![0]!.entries = ["airbag"];
    const w = await world({ kind: "jellyfin", version: "10.8", library });
    const text = await w.cli(["rehearse", ...w.readFlags()]);
    expectExit(text, 1);
    expect(text.stdout).toMatch(/Would fail \(1\)\n {2}✗ Movie Night: .*did not add 3 item\(s\)/);
    expect(text.stdout).toContain("Something would go wrong: 1 change would fail");

    const document = await rehearseThenMigrate(w, { rehearse: 1, migrate: 1 });
    expect(document.succeeded).toBe(false);
    expect(document.failures.map((f) => f.title)).toEqual(["Movie Night"]);
    expectNoViolations(w.box);
  });

  it("says so when it compared nothing, rather than promise a clean migration", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    // Kids has no target user, and without --create-users none is made.
    const flags = w.readFlags(["--users", "Kids"]).filter((flag) => flag !== "--create-users");
    const result = await w.cli(["rehearse", ...flags]);
    expectExit(result, 0);
    expect(result.stdout).toContain("Compared: 0 of 1 Plex account");
    expect(result.stdout).toContain(
      `Nothing was compared: no Plex account has a target user, so the rehearsal says nothing about a migration. Nothing was written to ${w.box.url}.`,
    );
    expect(result.stdout).not.toContain("would end with no failure");
  });

  it("fails with exit 4 on a wrong key and 3 without a target, as plan does", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    expectExit(await w.cli(["rehearse", ...w.readFlags()], { PLEXODUS_TARGET_API_KEY: "0".repeat(32) }), 4);
    expectExit(await w.cli(["rehearse", "--plex-db", w.plexDb]), 3);
    expectExit(await w.cli(["rehearse", ...w.readFlags(), "--plex-db", join(w.dir, "missing.db")]), 5);
  });
});

describe("sandbox --snapshot-from", { timeout: 120_000 }, () => {
  it("writes the rehearsal's snapshot without secrets, and `sandbox --library` serves it as the real server answered", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const file = join(w.dir, "snapshot.json");
    const start = w.box.requests.length;
    const written = await w.cli([
      "sandbox",
      "--snapshot-from",
      w.box.url,
      "--out",
      "snapshot.json",
      ...w.readFlags().filter((flag) => flag !== w.box.url && flag !== "--target-url"),
    ]);
    expectExit(written, 0);
    expect(w.box.requests.slice(start).every((request) => request.method === "GET")).toBe(true);
    expect(written.stdout).toContain(
      `Start it with: plexodus sandbox --kind jellyfin --version 10.11 --library ${file}`,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(SENTINEL_API_KEY);
    expect(text).not.toMatch(/password|token|apikey|api_key/i);
    const snapshot = JSON.parse(text);
    // Only the users the Plex accounts map to, never the target's other people.
    expect(snapshot.users.map((u: { name: string }) => u.name).sort()).toEqual(["Alex", "admin"]);
    expect(snapshot.snapshotOf).toEqual({ kind: "jellyfin", version: "10.11.11" });

    // Served by `plexodus sandbox --library`, it answers the adapter as the real server did.
    const { io, linesAtLeast } = capture();
    const controller = new AbortController();
    const serving = serveSandbox(
      { kind: "jellyfin", version: "10.11", library: file, apiKey: "copykey0123456789abcdef0123456789" },
      createContext(io, {}),
      controller.signal,
    );
    try {
      const [url] = await linesAtLeast(1);
      const read = async (target: { url: string; apiKey: string }) => {
        const adapter = await connectTarget({ ...target, kind: "auto", timeout: 10, concurrency: 2 });
        try {
          const users = await adapter.listUsers();
          return { users, index: await adapter.index(), collections: await adapter.listCollections() };
        } finally {
          adapter.close();
        }
      };
      const real = await read({ url: w.box.url, apiKey: w.box.apiKey });
      const copy = await read({ url: url!, apiKey: "copykey0123456789abcdef0123456789" });
      expect(copy.users).toEqual(real.users.filter((u) => u.name === "admin" || u.name === "Alex"));
      // The Plex sample's libraries (films, shows, music) may match into all three target libraries.
      expect(copy.index).toEqual(real.index);
      expect(copy.collections).toEqual(real.collections.filter((c) => c.title === "Sci-Fi Classics"));
    } finally {
      controller.abort();
      await serving;
    }
    expectNoViolations(w.box);
  });

  it("without a Plex source, takes the target's own users and libraries from the scope options", async () => {
    const w = await world({ kind: "emby", version: "4.9" });
    const file = join(w.dir, "films.json");
    const result = await w.cli([
      "sandbox",
      "--snapshot-from",
      w.box.url,
      "--out",
      file,
      "--users",
      "admin",
      "--libraries",
      "Films",
    ]);
    expectExit(result, 0);
    const snapshot = JSON.parse(readFileSync(file, "utf8"));
    expect(snapshot.users.map((u: { name: string }) => u.name)).toEqual(["admin"]);
    expect(snapshot.libraries.map((l: { name: string }) => l.name)).toEqual(["Films"]);
    // admin's playlist holds an episode of "Shows": kept by id only, its titles stay out.
    const episode = w.box.idOf("bb-s1e1");
    expect(snapshot.playlists).toEqual([
      expect.objectContaining({ name: "Movie Night", entries: [episode] }),
    ]);
    expect(snapshot.otherItems).toEqual([{ id: episode, ref: episode }]);
    expect(readFileSync(file, "utf8")).not.toMatch(/Breaking Bad|Pilot/);
    // Only what differs from the empty state: admin's films with user data.
    expect(snapshot.libraries[0].items.filter((i: { userData?: object }) => i.userData).length).toBe(
      Object.keys(w.box.dump().userData.admin!).filter((id) =>
        snapshot.libraries[0].items.some((i: { id: string }) => i.id === id),
      ).length,
    );

    const typo = await w.cli(["sandbox", "--snapshot-from", w.box.url, "--out", file, "--users", "alcie"]);
    expectExit(typo, 3);
    expect(typo.stderr).toContain('--users names no target user of the target: "alcie"');
    const serving = await w.cli(["sandbox", "--snapshot-from", w.box.url, "--out", file, "--api-key", "x"]);
    expectExit(serving, 3);
    expect(serving.stderr).toContain("--target-api-key");
    // A config file can hold the snapshot's options; a served sandbox reads none.
    const config = join(w.dir, "plexodus.json");
    writeFileSync(config, JSON.stringify({ users: ["admin"], libraries: ["Films"] }));
    const fromConfig = await w.cli([
      "sandbox",
      "--snapshot-from",
      w.box.url,
      "--out",
      file,
      "--config",
      config,
    ]);
    expectExit(fromConfig, 0);
    expect(fromConfig.stdout).toContain("It holds 1 user, 1 library,");
    const servingConfig = await w.cli(["sandbox", "--kind", "emby", "--config", config]);
    expectExit(servingConfig, 3);
    expect(servingConfig.stderr).toContain("--config goes with --snapshot-from");
  });
});
