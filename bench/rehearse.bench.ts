import { spawn, spawnSync } from "node:child_process";
import { existsSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const description =
  "rehearse against a 200,000-item Jellyfin target with 20 users (peak memory of the rehearsing process with Node's default heap sizing, time, reads; PLEXODUS_BENCH_SCALE=0.1 for a smaller one)";

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, "rehearse-child.js");
const ACCOUNTS = 20;
const LIMIT_MB = 1024;

/** The matching Plex database, built once per size in a child process (cached in tmpdir). */
function plexDatabase(items: number, states: number, history: number): string {
  const path = join(tmpdir(), `plexodus-bench-rehearse-${items}-${ACCOUNTS}-${states}-${history}.db`);
  if (existsSync(path)) return path;
  const generator = join(here, "..", "fixtures", "plex", "generate.js");
  const partial = `${path}.partial`;
  const args = ["--scenario", "scale", "--out", partial, "--items", String(items)];
  args.push("--accounts", String(ACCOUNTS), "--states", String(states), "--history", String(history));
  const built = spawnSync(process.execPath, [generator, ...args], { stdio: "inherit" });
  if (built.status !== 0) throw new Error("building the benchmark database failed");
  renameSync(partial, path);
  return path;
}

export async function run(): Promise<void> {
  const factor = Number(process.env.PLEXODUS_BENCH_SCALE ?? "1");
  if (!(factor > 0)) throw new Error("PLEXODUS_BENCH_SCALE must be a positive number");
  const items = Math.round(200_000 * factor);
  // About 200 watched or started items per person at full scale: all of it is planned and
  // applied in the copy (the target holds nothing yet), and applying is what takes the time.
  const states = Math.round(items / 50);
  const history = Math.round(items / 20);
  const plexDb = plexDatabase(items, states, history);

  // The "real" target runs in its own process: only the rehearsal's memory is measured.
  const server = spawn(process.execPath, [child, "serve", String(items), String(ACCOUNTS)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once("line", resolve);
      server.once("exit", (code) => reject(new Error(`the target process ended (${code})`)));
    });
    const { url, apiKey } = JSON.parse(first) as { url: string; apiKey: string };
    // No heap option: the rehearsal keeps its memory down by itself (src/pipeline/memory.ts).
    const rehearsal = spawnSync(process.execPath, [child, "rehearse", plexDb, url, apiKey], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * 1024 * 1024,
    });
    if (rehearsal.status !== 0) throw new Error(`the rehearsal failed (exit ${rehearsal.status})`);
    const figures = JSON.parse(rehearsal.stdout.trim().split("\n").pop()!) as Record<string, number>;
    console.log(
      `${items} target items, ${ACCOUNTS} users, ${states} Plex states: rehearsed in ${(figures.ms! / 1000).toFixed(1)} s, ` +
        `peak RSS ${figures.maxRssMB} MB (budget ${LIMIT_MB} MB${figures.maxRssMB! > LIMIT_MB ? ", OVER" : ""}); ` +
        `${figures.reads} reads of the target, copy of ${figures.items} items and ${figures.users} users; ` +
        `${figures.changes} changes, ${figures.applied} applied, ${figures.failed} failed, drift ${figures.drift}, plan mismatches ${figures.mismatches}`,
    );
  } finally {
    server.stdin!.end();
    await new Promise((resolve) => server.once("exit", resolve));
  }
}
