import type { Config } from "../../config/load.js";
import type { DemoOutcome } from "../../pipeline/demo.js";
import type { Plan } from "../../planner/index.js";
import { renderVerify } from "./drift.js";

/** The first lines: what runs against what, and the options a person would type for it. */
export function demoHeader(
  sandbox: { kind: string; version: string; url: string },
  config: Config,
): string[] {
  return [
    `plexodus demo: bundled Plex sample → ${sandbox.kind} ${sandbox.version} sandbox at ${sandbox.url}`,
    `Options a person would pass: ${describeOptions(config)}\n`,
  ];
}

function describeOptions(config: Config): string {
  const maps = config.pathMap.map((m) => `--path-map '${m.from}=${m.to}'`);
  const users = config.userMap.map((m) => `--user-map ${m.from}=${m.to}`);
  const create = config.createUsers ? ["--create-users"] : [];
  const favorite =
    config.favoriteMinRating === undefined ? [] : [`--favorite-min-rating ${config.favoriteMinRating}`];
  return [...maps, ...users, ...create, ...favorite].join(" ");
}

/** Headings of the three steps. */
export const DEMO_STEPS = {
  plan: "== 1. plan (the dry run: nothing is written) ==\n",
  apply: "\n== 2. apply ==\n",
  verify: "\n== 3. verify (read both sides again) ==\n",
} as const;

/** The last lines: drift, what moved, how to try it by hand, and the files kept (`--keep`). */
export function demoClosing(outcome: DemoOutcome, keptFiles: readonly string[] = []): string[] {
  const lines = [
    // verify's own report: "No drift" only of what was compared (issue 13 item 6).
    renderVerify(outcome.again.plan, outcome.drift).join("\n"),
    `\n== What moved ==\n\n${whatMoved(outcome.first.plan)}`,
    `\nA second run would send ${outcome.again.plan.actions.length} writes. Run it yourself against the sandbox:\n` +
      `  plexodus sandbox --kind ${outcome.kind}        # then plexodus plan --plex-db … --target-url …`,
  ];
  if (outcome.keptFolder !== null) {
    lines.push(`\nDemo files kept in ${outcome.keptFolder}: ${keptFiles.join(", ")}`);
  }
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Per target user: what the plan carried over, in words. */
export function whatMoved(plan: Plan): string {
  type Moved = {
    played: number;
    plays: number;
    dates: number;
    positions: number;
    ratings: number;
    lists: number;
  };
  const perUser = new Map<string, Moved>();
  const row = (name: string) => {
    let entry = perUser.get(name);
    if (!entry) {
      entry = { played: 0, plays: 0, dates: 0, positions: 0, ratings: 0, lists: 0 };
      perUser.set(name, entry);
    }
    return entry;
  };
  let collections = 0;
  for (const action of plan.actions) {
    if (action.type === "set-user-data") {
      const entry = row(action.user.name);
      if (action.set.played) entry.played += 1;
      if (action.set.playCount !== undefined) entry.plays += action.set.playCount - action.before.playCount;
      if (action.set.lastPlayedAt !== undefined) entry.dates += 1;
      if (action.set.positionMs !== undefined) entry.positions += 1;
      if (action.set.rating !== undefined) entry.ratings += 1;
    } else if (action.type === "create-playlist" || action.type === "add-playlist-entries") {
      row(action.user.name).lists += 1;
    } else if (action.type === "create-collection" || action.type === "add-collection-members") {
      collections += 1;
    }
  }
  const lines = [...perUser].map(
    ([name, e]) =>
      `  ${name}: ${count(e.played, "item")} marked played (${count(e.plays, "play")} added), ${count(e.dates, "last-played date")}, ${count(e.positions, "resume position")}, ${count(e.ratings, "rating")}, ${count(e.lists, "playlist")}`,
  );
  const created = plan.actions.filter((a) => a.type === "create-user").map((a) => a.user.name);
  if (created.length > 0)
    lines.push(`  users created: ${created.join(", ")} (passwords in a 0600 credentials file)`);
  lines.push(`  collections created or extended: ${collections}`);
  lines.push(
    `  source items without a target item: ${plan.unmatched.length} (listed in the plan with reasons)`,
  );
  return lines.join("\n");
}
