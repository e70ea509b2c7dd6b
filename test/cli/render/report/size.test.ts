import { describe, expect, it } from "vitest";
import {
  buildReport,
  REPORT_LIMITS,
  REPORT_SIZE_BUDGET_BYTES,
  renderReport,
} from "../../../../src/cli/render/report/index.js";
import { renderSummaryMarkdown } from "../../../../src/cli/render/summary-md.js";
import type { ItemMatch, ItemMiss, MatchResult } from "../../../../src/match/types.js";
import type { HistorySummary, Item, WatchState } from "../../../../src/model/index.js";
import {
  item,
  KIDS,
  MOVIES,
  mappedByName,
  plan,
  SHOWS,
  snapshot,
  targetState,
  user,
  watch,
} from "../../../planner/helpers.js";

const ITEMS = 200_000;
const PEOPLE = 50;
const STATES_PER_PERSON = 2_000;

/**
 * A 200,000-item library with 50 people, built in memory: 1 in 20 items unmatched, 1 in 10
 * matched by title and year only, each person with 2,000 watched or started items.
 */
function bigRun() {
  const libraries = [MOVIES, SHOWS, KIDS];
  const items: Item[] = [];
  const matches: MatchResult = { matches: new Map(), misses: new Map() };
  for (let i = 0; i < ITEMS; i++) {
    const key = String(1000 + i);
    items.push(
      item(key, {
        title: `Film number ${i} with a long enough title`,
        year: 1950 + (i % 70),
        libraryId: libraries[i % 3]!.id,
      }),
    );
    if (i % 20 === 7) {
      const miss: ItemMiss = {
        itemKey: key,
        reason: "no-candidate",
        detail: "no target item has its ids, file or title",
        candidateIds: [],
      };
      matches.misses.set(key, miss);
    } else {
      const weak = i % 10 === 3;
      const match: ItemMatch = {
        itemKey: key,
        targetId: `t${key}`,
        rule: weak ? "title-year" : "external-id",
        weak,
        conflict: null,
      };
      matches.matches.set(key, match);
    }
  }
  const users = Array.from({ length: PEOPLE }, (_, u) => user(String(u + 1), `person${u + 1}`));
  const states: WatchState[] = [];
  const history: HistorySummary[] = [];
  for (let u = 0; u < PEOPLE; u++) {
    for (let k = 0; k < STATES_PER_PERSON; k++) {
      const target = items[(u * 3_989 + k * 47) % ITEMS]!;
      const lastPlayedAt = new Date(Date.UTC(2010 + (k % 15), k % 12, 1));
      states.push(
        watch(
          String(u + 1),
          target.identity,
          k % 4 === 0
            ? { positionMs: 60_000, rating: 7 }
            : { played: true, playCount: 1 + (k % 3), lastPlayedAt },
        ),
      );
      if (k % 4 !== 0)
        history.push({
          userId: String(u + 1),
          identity: target.identity,
          plays: 1 + (k % 3),
          lastViewedAt: lastPlayedAt,
        });
    }
  }
  const snap = snapshot({ users, libraries, items, states, history, historyEventCount: history.length });
  const users_ = mappedByName(users);
  const state = targetState(users);
  return {
    snap,
    users: users_,
    matches,
    state,
    plan: plan({ snapshot: snap, users: users_, matches, state }),
  };
}

describe("the report of a 200,000-item run", () => {
  it(`stays under the size budget (${REPORT_SIZE_BUDGET_BYTES / 1024 / 1024} MiB), its lists cut and saying so`, () => {
    const run = bigRun();
    expect(run.plan.actions.length).toBeGreaterThan(50_000);
    const data = buildReport({
      command: "plan",
      stage: "plan",
      plan: run.plan,
      sides: { snapshot: run.snap, matches: run.matches, state: run.state },
      options: [],
    });
    const html = renderReport(data);
    const bytes = Buffer.byteLength(html);
    expect(bytes).toBeLessThan(REPORT_SIZE_BUDGET_BYTES);
    // Every person is there, with the counts of the whole run, while each list is cut.
    expect(data.people).toHaveLength(PEOPLE);
    const first = data.people[0]!;
    expect(first.changes.total).toBeGreaterThan(first.changes.rows.length);
    expect(first.counts.find((row) => row.category === "watched")!.inPlex).toBeGreaterThan(1_000);
    expect(data.unmatched.total).toBeGreaterThan(data.unmatched.rows.length);
    expect(data.unmatched.rows).toHaveLength(REPORT_LIMITS.globalRows);
    expect(data.weakMatches!.total).toBe(ITEMS / 10);
    expect(html).toContain(`Showing ${first.changes.rows.length} of ${first.changes.total}`);
    expect(data.charts.rulesByLibrary!.reduce((sum, l) => sum + l.byRule["title-year"], 0)).toBe(ITEMS / 10);
    // A CI job summary is capped at 1 MiB by GitHub.
    expect(Buffer.byteLength(renderSummaryMarkdown(data))).toBeLessThan(1024 * 1024);
  }, 240_000);
});
