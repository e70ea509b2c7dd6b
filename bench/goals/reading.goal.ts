import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { SCALE_SIZES, type ScaleSize } from "../../fixtures/plex/scale.js";
import { scaleDatabase } from "../fixtures.js";
import type { BenchContext, BenchGoal, GoalRow } from "../goal.js";
import { bestOf, describe, hasCommand, load, type ProcessFigures, runMeasured } from "../process.js";

/**
 * Reading goal: `plexodus inspect --json --plex-db X` against the floor of the sqlite3 shell
 * printing every column the reader reads from the same file (both are whole processes, start
 * included). The reader also combines the rows per (guid, account) and builds its model; the
 * floor does none of that, so the ratio is what plexodus adds to reading the data at all.
 * (The reader takes the states' and plays' guids from Plex's guid indexes, the floor from the
 * tables: the same values, so the floor still reads every column the reader reads.)
 */
export const RAW_SCAN_SQL = [
  `SELECT id, name FROM accounts;`,
  `SELECT id, name, section_type FROM library_sections;`,
  `SELECT library_section_id, root_path FROM section_locations;`,
  `SELECT id, library_section_id, parent_id, metadata_type, guid, title, "index", absolute_index, year, duration, deleted_at, extra_data FROM metadata_items;`,
  `SELECT mi.metadata_item_id, mp.file FROM media_parts mp JOIN media_items mi ON mi.id = mp.media_item_id;`,
  `SELECT tg.metadata_item_id, t.tag FROM taggings tg JOIN tags t ON t.id = tg.tag_id WHERE t.tag_type = 314;`,
  `SELECT rowid, account_id, guid, view_count, view_offset, last_viewed_at, rating, last_rated_at, updated_at FROM metadata_item_settings;`,
  `SELECT account_id, guid, viewed_at FROM metadata_item_views;`,
].join("\n");

interface ReadingCase {
  label: string;
  size: ScaleSize;
  /** Largest reader / raw-scan wall ratio the goal allows. */
  maxRatio: number;
  /** Largest peak RSS of the inspect process the goal allows, if any. */
  maxRssMiB?: number;
  /** Only with --scale: generating it takes minutes. */
  big: boolean;
}

const CASES: ReadingCase[] = [
  { label: "44k items × 10 users, 1M plays", size: SCALE_SIZES["44k"]!, maxRatio: 2, big: false },
  {
    label: "200k items × 50 users, 5M plays",
    size: SCALE_SIZES["200k"]!,
    maxRatio: 1.5,
    maxRssMiB: 1024,
    big: true,
  },
];

const MIB = 2 ** 20;

export const goal: BenchGoal = {
  name: "reading",
  description: "inspect --json of a generated Plex database vs the sqlite3 shell printing the same columns",
  async measure(context) {
    const rows: GoalRow[] = [];
    for (const item of CASES) rows.push(...measureCase(context, item));
    return rows;
  },
};

function measureCase(context: BenchContext, item: ReadingCase): GoalRow[] {
  const name = `reading ${item.label}`;
  const rssName = `reading ${item.label}: peak RSS`;
  const skip = (reason: string): GoalRow[] => [
    { goal: name, skipped: reason },
    ...(item.maxRssMiB === undefined ? [] : [{ goal: rssName, skipped: reason }]),
  ];
  if (item.big && !context.scale) return skip("add --scale (generating takes minutes)");
  if (!hasCommand("sqlite3")) return skip("the sqlite3 shell is not installed (apt-get install sqlite3)");

  const path = scaleDatabase(context.root, context.outDir, item.size, context.log);
  const inspect = [
    process.execPath,
    join(context.root, "bin", "plexodus.js"),
    "inspect",
    "--json",
    "--plex-db",
    path,
  ];
  const raw = ["sqlite3", "-readonly", path];
  // No PLEXODUS_* settings from the caller's environment: the read must be the database alone.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PLEXODUS_")));
  const checked = checkInspect(inspect, env);
  context.log(`${name}: ${checked}; load ${load()}`);
  // One unmeasured run each first, so both find the file in the page cache.
  runMeasured(raw, { input: RAW_SCAN_SQL });
  const best = bestOf(
    context.runs,
    {
      raw: () => runMeasured(raw, { input: RAW_SCAN_SQL }),
      inspect: () => runMeasured(inspect, { env }),
    },
    context.log,
  );
  context.log(`  best: sqlite3 ${describe(best.raw)}; inspect ${describe(best.inspect)}; load ${load()}`);
  const note = `best of ${context.runs}, both sides interleaved; ${cpuNote(best.raw, best.inspect)}; load ${load()}`;
  const rows: GoalRow[] = [
    {
      goal: name,
      measured: { value: best.inspect.wallMs / 1000, unit: "s" },
      floor: { value: best.raw.wallMs / 1000, unit: "s" },
      target: { atMost: item.maxRatio },
      note,
    },
  ];
  if (item.maxRssMiB !== undefined) {
    rows.push(
      best.inspect.maxRssBytes === null
        ? { goal: rssName, skipped: "needs GNU time (/usr/bin/time) to see the peak" }
        : {
            goal: rssName,
            measured: { value: best.inspect.maxRssBytes / MIB, unit: "MiB" },
            floor: { value: item.maxRssMiB, unit: "MiB" },
            target: { atMost: 1 },
            note: "largest peak of the inspect runs (GNU time %M); the floor is the fixed limit",
          },
    );
  }
  return rows;
}

function cpuNote(raw: ProcessFigures, inspect: ProcessFigures): string {
  if (raw.cpuMs === null || inspect.cpuMs === null) return "CPU not measured (no GNU time)";
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  return `CPU ${seconds(inspect.cpuMs)} s vs ${seconds(raw.cpuMs)} s = ${(inspect.cpuMs / raw.cpuMs).toFixed(2)}×`;
}

/** Runs inspect once with its output kept: the measured runs must be reads that worked. */
function checkInspect(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`inspect failed (${result.status}): ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { totals: { items: number; history: number } };
  return `inspect sees ${report.totals.items} items and ${report.totals.history} plays`;
}
