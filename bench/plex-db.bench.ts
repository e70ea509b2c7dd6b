import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { SCALE_SIZES } from "../fixtures/plex/scale.js";
import { openPlexDatabase } from "../src/readers/plex-db/index.js";
import { scaleDatabase } from "./fixtures.js";

export const description =
  "Plex DB reader in-process on the 44k generated library (200k with PLEXODUS_BENCH_SCALE=1 or --scale) vs a raw better-sqlite3 scan of the same rows";

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The same tables and rows the reader visits, with nothing but iteration. */
function rawScan(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  let rows = 0;
  try {
    const queries = [
      `SELECT id, library_section_id, parent_id, metadata_type, guid, title, "index", absolute_index, year, duration, deleted_at, extra_data
       FROM metadata_items NOT INDEXED WHERE metadata_type IN (1, 2, 3, 4, 8, 9, 10, 15, 18)`,
      "SELECT mi.metadata_item_id, mp.file FROM media_parts mp JOIN media_items mi ON mi.id = mp.media_item_id",
      "SELECT tg.metadata_item_id, t.tag FROM taggings tg JOIN tags t NOT INDEXED ON t.id = tg.tag_id WHERE t.tag_type = 314",
      "SELECT account_id, guid, viewed_at FROM metadata_item_views",
      "SELECT rowid, account_id, guid, view_count, view_offset, last_viewed_at, rating, last_rated_at, updated_at FROM metadata_item_settings",
    ];
    for (const sql of queries) for (const _row of db.prepare(sql).raw().iterate()) rows++;
  } finally {
    db.close();
  }
  return rows;
}

export async function run(): Promise<void> {
  const big = process.env.PLEXODUS_BENCH_SCALE === "1" || process.argv.includes("--scale");
  const size = SCALE_SIZES[big ? "200k" : "44k"]!;
  const path = scaleDatabase(root, join(root, "bench", "out"), size, console.log);
  console.log(
    `size: ${size.items} items, ${size.accounts} accounts, ${size.states} state rows, ${size.history} history rows`,
  );

  // Wall time suffers on a shared machine; CPU time (user + system) is reported beside it.
  const cpuMs = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const measure = <T>(work: () => T): { result: T; wallMs: number; cpuMs: number } => {
    const wall = performance.now();
    const cpu = cpuMs();
    const result = work();
    return { result, wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu };
  };

  console.log(
    `load average ${loadavg()[0]?.toFixed(2)} before the raw scan (other work on the machine slows wall times)`,
  );
  const raw1 = measure(() => rawScan(path));
  const raw2 = measure(() => rawScan(path));
  const rawWall = (raw1.wallMs + raw2.wallMs) / 2;
  const rawCpu = (raw1.cpuMs + raw2.cpuMs) / 2;
  const rssAfterRaw = process.resourceUsage().maxRSS * 1024;
  console.log(
    `raw scan:  ${seconds(rawWall)} wall, ${seconds(rawCpu)} CPU (mean of 2) for ${raw1.result} rows (peak RSS so far ${mb(rssAfterRaw)})`,
  );

  // The default (history summed in a worker thread), then everything on the main thread.
  const read = async (historyInWorker: boolean, label: string) => {
    const wall = performance.now();
    const cpu = cpuMs();
    const snapshot = await openPlexDatabase(path, { timeZone: "UTC", historyInWorker }).read();
    const readWall = performance.now() - wall;
    const readCpu = cpuMs() - cpu;
    const heap = process.memoryUsage().heapUsed;
    const peakRss = process.resourceUsage().maxRSS * 1024;
    console.log(
      `${label} ${seconds(readWall)} wall, ${seconds(readCpu)} CPU (snapshot copy included) → ${snapshot.items.length} items, ` +
        `${snapshot.states.length} states, ${snapshot.history.length} history pairs from ${snapshot.historyEventCount} rows, ` +
        `${snapshot.orphanedStateCount} orphaned state rows`,
    );
    console.log(
      `  ratio:   ${(readWall / rawWall).toFixed(2)}× wall, ${(readCpu / rawCpu).toFixed(2)}× CPU of the raw scan (target ≤ 2× wall)`,
    );
    console.log(`  memory:  peak RSS so far ${mb(peakRss)}, heap in use with the snapshot held ${mb(heap)}`);
  };
  await read(true, "reader (history in a worker):");
  await read(false, "reader (all on the main thread):");
  console.log(`${availableParallelism()} CPUs, load average ${loadavg()[0]?.toFixed(2)} now`);
}
