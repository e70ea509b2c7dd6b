import { loadConfig } from "../src/config/load.js";
import type { Interaction } from "../src/pipeline/interaction.js";
import { rehearse } from "../src/pipeline/rehearse.js";
import { SILENT_PROGRESS } from "../src/progress.js";
import { startSandbox } from "../src/sandbox/index.js";
import { scaleTarget } from "./rehearse-target.js";

/**
 * The two processes of the rehearsal benchmark (bench/rehearse.bench.ts), so that the memory
 * measured is the rehearsal's alone:
 *   serve ITEMS ACCOUNTS         the "real" target: prints its URL and API key, serves until stdin closes
 *   rehearse PLEXDB URL APIKEY   one rehearsal; prints its figures as one JSON line
 */
const [mode, ...args] = process.argv.slice(2);

if (mode === "serve") {
  const box = await startSandbox({
    kind: "jellyfin",
    version: "10.11",
    library: scaleTarget(Number(args[0]), Number(args[1])),
    validate: false,
  });
  console.log(JSON.stringify({ url: box.url, apiKey: box.apiKey }));
  process.stdin.resume();
  process.stdin.on("end", () => {
    void box.stop().then(() => process.exit(0));
  });
} else if (mode === "rehearse") {
  const [plexDb, url, apiKey] = args;
  const quiet: Interaction = {
    progress: () => ({ ...SILENT_PROGRESS, stop() {} }),
    interrupt: () => ({ signal: new AbortController().signal, dispose() {} }),
    confirm: async () => true,
    warn: () => undefined,
    notice: () => undefined,
  };
  const config = loadConfig({
    env: {},
    flags: { plexDb, targetUrl: url, targetApiKey: apiKey, concurrency: "8" },
  });
  const started = performance.now();
  const rehearsal = await rehearse(config, quiet, () => undefined);
  console.log(
    JSON.stringify({
      ms: Math.round(performance.now() - started),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      reads: rehearsal.reads,
      items: rehearsal.counts.items,
      users: rehearsal.counts.users,
      changes: rehearsal.plan.actions.length,
      applied: rehearsal.result?.applied ?? 0,
      failed: rehearsal.result?.failed ?? 0,
      drift: rehearsal.drift.length,
      mismatches: rehearsal.mismatches.length,
    }),
  );
} else {
  console.error("usage: rehearse-child serve ITEMS ACCOUNTS | rehearse PLEXDB URL APIKEY");
  process.exit(2);
}
