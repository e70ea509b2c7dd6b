import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * `npm run bench`: runs every `*.bench.js` module beside this file (or those named on the
 * command line) and lets each print its figures. Benchmarks report numbers; they never pass
 * or fail on timing.
 */
export interface BenchModule {
  /** One line saying what is measured. */
  description: string;
  run(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.js"))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.includes(w)))
  .sort();

if (files.length === 0) {
  console.log("no benchmarks found");
}
for (const file of files) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  console.log(`\n== ${file.replace(/\.bench\.js$/, "")}: ${module.description}`);
  await module.run();
}
