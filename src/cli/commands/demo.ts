import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.js";
import { ConfigError, EXIT_OK } from "../../errors.js";
import { findDrift, type Plan, renderDrift, renderPlan } from "../../planner/index.js";
import {
  DEMO_PATH_MAP,
  DEMO_USER_MAP,
  sampleTargetLibrary,
  writeSampleDatabase,
} from "../../sample/index.js";
import { startSandbox } from "../../sandbox/index.js";
import type { CommandContext } from "../context.js";
import { executePlan, reportApply } from "./apply.js";
import type { RegisterCommand } from "./index.js";
import { makePlan } from "./plan.js";

/**
 * `plexodus demo`: the whole migration on the bundled sample, against the built-in sandbox
 * on loopback, so anyone can see what plexodus does before pointing it at a real server.
 */
export const registerDemo: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("demo")
    .description(
      "Build the bundled sample Plex library, start the built-in sandbox server on loopback, and run plan → apply → verify against it.",
    )
    .option("--kind <kind>", "sandbox personality: jellyfin or emby", "jellyfin")
    .option("--sandbox-version <version>", "sandbox version, e.g. 10.9 or 4.8 (default: newest of the kind)")
    .option("--keep", "keep the demo's temporary folder (Plex database, plan, journal) and print its path");
  command.action(async (flags: { kind: string; sandboxVersion?: string; keep?: boolean }) => {
    const ctx = registration.context();
    if (flags.kind !== "jellyfin" && flags.kind !== "emby") {
      throw new ConfigError(`--kind must be jellyfin or emby, not ${flags.kind}`);
    }
    registration.setExitCode(await runDemo(ctx, flags.kind, flags.sandboxVersion, Boolean(flags.keep)));
  });
};

async function runDemo(
  ctx: CommandContext,
  kind: "jellyfin" | "emby",
  version: string | undefined,
  keep: boolean,
): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), "plexodus-demo-"));
  const apiKey = randomBytes(16).toString("hex");
  ctx.redactor.add(apiKey);
  const sandbox = await startSandbox({ kind, version, library: sampleTargetLibrary(), apiKey });
  try {
    const plexDb = join(folder, "com.plexapp.plugins.library.db");
    writeSampleDatabase(plexDb);
    const config = loadConfig({
      env: {},
      flags: {
        plexDb,
        targetUrl: sandbox.url,
        targetApiKey: apiKey,
        pathMap: DEMO_PATH_MAP.map((m) => `${m.from}=${m.to}`),
        userMap: DEMO_USER_MAP.map((m) => `${m.from}=${m.to}`),
        createUsers: true,
        favoriteMinRating: 9,
        yes: true,
        journal: join(folder, "demo.journal"),
        credentialsFile: join(folder, "credentials.txt"),
      },
    });
    ctx.say(
      `plexodus demo: bundled Plex sample → ${sandbox.kind} ${sandbox.version} sandbox at ${sandbox.url}`,
    );
    ctx.say(`Options a person would pass: ${describeOptions()}\n`);

    ctx.say("== 1. plan (the dry run: nothing is written) ==\n");
    const first = await makePlan(ctx, config);
    ctx.say(renderPlan(first.plan));

    ctx.say("\n== 2. apply ==\n");
    const result = await executePlan(ctx, config, first.plan);
    const applyCode = reportApply(ctx, first.plan, result);

    ctx.say("\n== 3. verify (read both sides again) ==\n");
    const again = await makePlan(ctx, config);
    const drift = findDrift(again.plan);
    ctx.say(
      drift.length === 0
        ? "No drift: the target holds everything the migration should have produced."
        : renderDrift(drift),
    );

    ctx.say(`\n== What moved ==\n\n${whatMoved(first.plan)}`);
    ctx.say(
      `\nA second run would send ${again.plan.actions.length} writes. Run it yourself against the sandbox:\n` +
        `  plexodus sandbox --kind ${kind}        # then plexodus plan --plex-db … --target-url …`,
    );
    if (keep) ctx.say(`\nDemo files kept in ${folder}`);
    return applyCode !== EXIT_OK || drift.length > 0 ? 1 : EXIT_OK;
  } finally {
    await sandbox.stop();
    if (!keep) rmSync(folder, { recursive: true, force: true });
  }
}

function describeOptions(): string {
  const maps = DEMO_PATH_MAP.map((m) => `--path-map '${m.from}=${m.to}'`);
  const users = DEMO_USER_MAP.map((m) => `--user-map ${m.from}=${m.to}`);
  return [...maps, ...users, "--create-users", "--favorite-min-rating 9"].join(" ");
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
