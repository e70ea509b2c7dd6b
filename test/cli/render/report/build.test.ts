import { describe, expect, it } from "vitest";
import { buildReport, renderReport, whatMoved } from "../../../../src/cli/render/report/index.js";
import { renderSummaryMarkdown } from "../../../../src/cli/render/summary-md.js";
import type { ApplyResult } from "../../../../src/executor/index.js";
import type { Plan } from "../../../../src/planner/index.js";
import {
  data,
  item,
  matches,
  plan,
  readNeeded,
  snapshot,
  targetState,
  user,
  watch,
} from "../../../planner/helpers.js";

const alice = user("1", "alice");
const bob = user("2", "bob");
const matrix = item("10", { title: "The Matrix", year: 1999 });
const alien = item("11", { title: "Alien", year: 1979 });
const heat = item("12", { title: "Heat", year: 1995 });
const lost = item("13", { title: "Lost Film", year: 1950 });

/** alice watched three films and rated one; Heat matched by title only; Lost Film unmatched. */
function scenario() {
  const snap = snapshot({
    users: [alice, bob],
    items: [matrix, alien, heat, lost],
    states: [
      watch("1", matrix.identity, {
        played: true,
        playCount: 2,
        lastPlayedAt: new Date("2021-05-01T00:00:00Z"),
      }),
      watch("1", alien.identity, { played: true, playCount: 1, rating: 8 }),
      watch("1", heat.identity, { played: true, playCount: 1 }),
      watch("1", lost.identity, { played: true, playCount: 1 }),
    ],
    history: [
      { userId: "1", identity: matrix.identity, plays: 2, lastViewedAt: new Date("2021-05-01T00:00:00Z") },
      { userId: "1", identity: alien.identity, plays: 1, lastViewedAt: new Date("2023-01-01T00:00:00Z") },
    ],
  });
  const result = matches({ "10": "T10", "11": "T11", "12": "T12" }, [
    ["13", "no-candidate", "no target item titled Lost Film"],
  ]);
  result.matches.set("12", {
    itemKey: "12",
    targetId: "T12",
    rule: "title-year",
    weak: true,
    conflict: null,
  });
  const users = {
    mapped: [{ sourceUserId: "1", targetName: "alice", targetUserId: "t1", rule: "name" as const }],
    unmapped: [{ sourceUserId: "2", reason: "unmapped" as const, detail: "no target user named bob" }],
  };
  // The target already had Alien played.
  const base = targetState([alice], {
    userData: new Map([["t1", new Map([["T11", data({ played: true, playCount: 1 })]])]]),
  });
  const state = readNeeded(snap, users, result, "merge", base);
  return { snap, result, state, plan: plan({ snapshot: snap, users, matches: result, state: base }) };
}

type Outcome = NonNullable<ReturnType<ApplyResult["outcomes"]["get"]>>;

/** An apply in which the Matrix write failed and Heat's was never started. */
function applyResult(p: Plan): ApplyResult {
  const key = (title: string) => p.actions.find((a) => "title" in a && a.title.startsWith(title))!.key;
  const outcomes = new Map<string, Outcome>(p.actions.map((a) => [a.key, "applied"]));
  outcomes.set(key("The Matrix"), "failed");
  outcomes.set(key("Heat"), "not-started");
  return {
    applied: p.actions.length - 2,
    alreadyDone: 0,
    conflicted: 0,
    failed: 1,
    skipped: 0,
    notStarted: 1,
    notStartedKeys: [key("Heat")],
    conflicts: [],
    failures: [
      {
        key: key("The Matrix"),
        type: "set-user-data",
        title: "The Matrix (1999)",
        reason: "transient: HTTP 503",
      },
    ],
    skips: [],
    writesSent: 3,
    durationMs: 1200,
    interrupted: true,
    retryPasses: 0,
    resume: null,
    passwordsSet: [],
    credentialsFile: null,
    journalPath: "/tmp/run.journal",
    outcomes: {
      get: (key) => outcomes.get(key),
      at: (place) => outcomes.get(p.actions[place]!.key) ?? "not-started",
    },
  };
}

describe("buildReport", () => {
  const s = scenario();
  const sides = { snapshot: s.snap, matches: s.result, state: s.state };

  it("counts per person: in Plex, on the target before, planned, and after the plan", () => {
    const report = buildReport({ command: "plan", stage: "plan", plan: s.plan, sides, options: [] });
    const alicePart = report.people.find((p) => p.name === "alice")!;
    const watched = alicePart.counts.find((row) => row.category === "watched")!;
    expect(watched).toEqual({
      category: "watched",
      inPlex: 4,
      inPlexNote: null,
      before: 1,
      changes: 3,
      confirmed: null,
      after: 3,
    });
    expect(alicePart.unmatched!.rows.map((r) => r.title)).toEqual(["Lost Film (1950)"]);
    expect(alicePart.weak!.rows).toEqual([
      { title: "Heat", year: 1995, kind: "movie", library: "Movies", target: null },
    ]);
    const bobPart = report.people.find((p) => p.name === "bob")!;
    expect(bobPart.migrated).toBe(false);
    expect(bobPart.skipped[0]).toMatchObject({ reason: "unmapped", detail: "no target user named bob" });
    expect(report.charts.latestPlayByYear).toEqual([
      { year: 2021, items: 1, plays: 2 },
      { year: 2023, items: 1, plays: 1 },
    ]);
    expect(report.charts.rulesByLibrary).toEqual([
      { library: "Movies", byRule: { "external-id": 2, episode: 0, path: 0, "title-year": 1 }, missed: 1 },
    ]);
  });

  it("after an apply, counts only what the target confirmed, and says why the rest did not move", () => {
    const result = applyResult(s.plan);
    const report = buildReport({
      command: "migrate",
      stage: "apply",
      plan: s.plan,
      sides,
      result,
      options: [],
    });
    const alicePart = report.people.find((p) => p.name === "alice")!;
    const watched = alicePart.counts.find((row) => row.category === "watched")!;
    // The one write that landed (Alien) did not change whether it counts as watched there.
    expect(watched).toMatchObject({ before: 1, changes: 3, confirmed: 1, after: 1 });
    expect(alicePart.changes.rows.map((r) => [r.title, r.outcome])).toEqual([["Alien (1979)", "applied"]]);
    expect(alicePart.issues.rows.map((r) => [r.title, r.outcome, r.reason])).toEqual([
      ["Heat (1995)", "not started", "the run stopped before this action; run it again to finish"],
      ["The Matrix (1999)", "failed", "transient: HTTP 503"],
    ]);
    expect(report.totals.run).toMatchObject({ failed: 1, notStarted: 1, interrupted: true });
    expect(whatMoved(s.plan, result)).toContain(
      "  alice: 0 items marked played (0 plays added), 1 last-played date, 0 resume positions, 1 rating, 0 playlists; not moved: 1 not started, 1 failed",
    );

    const html = renderReport(report);
    expect(html).toContain("transient: HTTP 503");
    expect(html).toContain('<th class="n">on target before</th>');
    const markdown = renderSummaryMarkdown(report);
    expect(markdown).toContain("| alice | alice | 1 → 1 |");
    expect(markdown).toContain("| alice | The Matrix (1999) | failed | transient: HTTP 503 |");
  });

  it("verify: every action of the fresh plan is drift, and nothing counts as moved", () => {
    const report = buildReport({ command: "verify", stage: "verify", plan: s.plan, sides, options: [] });
    const alicePart = report.people.find((p) => p.name === "alice")!;
    expect(alicePart.changes.total).toBe(0);
    expect(alicePart.issues.rows.every((row) => row.outcome === "drift")).toBe(true);
    expect(alicePart.issues.rows[0]!.reason).toContain("≠ expected");
  });

  it("escapes what it shows, so a title cannot become markup", () => {
    const report = buildReport({
      command: "plan",
      stage: "plan",
      plan: s.plan,
      sides,
      options: [{ name: "x", value: "<script>alert(1)</script>" }],
    });
    const html = renderReport(report);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.match(/<script>/g)).toHaveLength(1);
  });
});

describe("the report says what plan and verify print (issue 13)", () => {
  const s = scenario();
  const sides = { snapshot: s.snap, matches: s.result, state: s.state };

  it("what was compared: accounts and items, who was left out, and 'No changes' only of that", () => {
    const report = buildReport({ command: "plan", stage: "plan", plan: s.plan, sides, options: [] });
    expect(report.compared).toEqual({
      users: { compared: 1, notCompared: 1 },
      items: { matched: 3, unmatched: 1 },
      notComparedUsers: [{ name: "bob", reason: "unmapped" }],
    });
    const html = renderReport(report);
    expect(html).toContain("<p>Compared: 1 of 2 Plex accounts, 3 of 4 Plex items.</p>");
    expect(html).toContain("<li>1 Plex account with no target user: bob (unmapped) — see People</li>");
    const markdown = renderSummaryMarkdown(report);
    expect(markdown).toContain(
      "Compared: 1 of 2 Plex accounts, 3 of 4 Plex items.\n\nNot compared:\n- 1 Plex account",
    );

    // A plan with no actions (bob still unmapped) must not say "No changes" of everything.
    const empty = buildReport({
      command: "plan",
      stage: "plan",
      plan: { ...s.plan, actions: [] },
      sides,
      options: [],
    });
    const emptyHtml = renderReport(empty);
    expect(emptyHtml).toContain(
      "No changes in what was compared: the target already holds what the migration wants.",
    );
    expect(emptyHtml).not.toContain("No changes: the target");
    expect(renderSummaryMarkdown(empty)).toContain("No changes in what was compared");

    // verify with nothing paired says so instead of "No drift".
    const none = buildReport({
      command: "verify",
      stage: "verify",
      plan: {
        ...s.plan,
        actions: [],
        users: s.plan.users.map((u) => ({
          ...u,
          targetName: null,
          targetUserId: null,
          rule: "unmapped" as const,
        })),
      },
      sides,
      options: [],
    });
    const noneHtml = renderReport(none);
    expect(noneHtml).toContain("Nothing was compared: no Plex account has a target user.");
    expect(noneHtml).not.toContain("No drift");
  });

  it("weak and conflicting pairings name the target item they went to", () => {
    const matching = s.plan.matching!;
    expect(matching.titleYear.map((m) => m.title)).toEqual(["Heat (1995)"]);
    const withTargets: Plan = {
      ...s.plan,
      matching: {
        ...matching,
        titleYear: matching.titleYear.map((m) => ({ ...m, targetTitle: "Heat (1995, remaster)" })),
        conflicts: [
          {
            ...matching.titleYear[0]!,
            title: "Alien (1979)",
            targetTitle: "Alien: Covenant (2017)",
            conflict: { rule: "path", targetId: "T99" },
          },
        ],
      },
    };
    const report = buildReport({ command: "plan", stage: "plan", plan: withTargets, sides, options: [] });
    expect(report.weakMatches!.rows).toEqual([
      { title: "Heat (1995)", year: null, kind: "movie", library: "Movies", target: "Heat (1995, remaster)" },
    ]);
    expect(report.conflictingMatches!.total).toBe(1);
    expect(report.people.find((p) => p.name === "alice")!.weak!.rows[0]!.target).toBe(
      "Heat (1995, remaster)",
    );
    const html = renderReport(report);
    expect(html).toContain("<td>Heat (1995, remaster)</td>");
    expect(html).toContain("Conflicting evidence (the first rule won): check these too (1)");
    expect(html).toContain("<td>Alien: Covenant (2017)</td>");
    const markdown = renderSummaryMarkdown(report);
    expect(markdown).toContain("| Heat (1995) |  | Movies | Heat (1995, remaster) |");
    expect(markdown).toContain("### Conflicting evidence, the first rule won: check these: 1");
  });

  it("names the zone local-time dates were read in, only when there were such dates", () => {
    const plain = renderReport(
      buildReport({ command: "plan", stage: "plan", plan: s.plan, sides, options: [] }),
    );
    expect(plain).not.toContain("local time without a zone");
    const local: Plan = {
      ...s.plan,
      source: { ...s.plan.source, localTimeZone: { zone: "Europe/Berlin", dates: 7 } },
    };
    const report = buildReport({ command: "plan", stage: "plan", plan: local, sides, options: [] });
    expect(report.source.localTime).toEqual({ zone: "Europe/Berlin", dates: 7 });
    const html = renderReport(report);
    expect(html).toContain("local-time dates read as Europe/Berlin");
    expect(html).toContain(
      "<p>Dates: 7 dates in the Plex database are local time without a zone; read as Europe/Berlin time.</p>",
    );
    expect(html).toContain("pass --plex-timezone ZONE");
    expect(renderSummaryMarkdown(report)).toContain("read as Europe/Berlin time.\n- If the Plex server");
  });

  it("marks Plex figures the Plex API inferred from plays or cannot tell", () => {
    const api = {
      ...s.snap,
      users: [user("1", "alice", { inferredFields: ["watched"], unknownFields: ["ratings"] }), bob],
    };
    const report = buildReport({
      command: "plan",
      stage: "plan",
      plan: s.plan,
      sides: { ...sides, snapshot: api },
      options: [],
    });
    const counts = report.people.find((p) => p.name === "alice")!.counts;
    expect(counts.find((row) => row.category === "watched")).toMatchObject({
      inPlex: 4,
      inPlexNote: "from plays",
    });
    expect(counts.find((row) => row.category === "ratings")).toMatchObject({
      inPlex: null,
      inPlexNote: "unknown",
    });
    expect(counts.find((row) => row.category === "progress")).toMatchObject({ inPlexNote: null });
    const html = renderReport(report);
    expect(html).toContain('<td class="n">4 (from plays)</td>');
    expect(html).toContain('<td class="n">unknown</td>');
    expect(html).toContain(
      "In Plex, from plays: the Plex API shows Plex&#39;s played flag only for the owner",
    );
  });
});
