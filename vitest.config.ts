import { defineConfig } from "vitest/config";
import { workerEntries } from "./test/helpers/worker-entries.js";

export default defineConfig({
  // Worker threads start from their TypeScript sources under vitest (see the plugin).
  plugins: [workerEntries()],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores on CI: more workers only thrash.
    maxWorkers: 2,
  },
});
