import type { RequestEvent } from "../src/http/client.js";
import { sampleTargetLibrary } from "../src/sample/index.js";
import { startSandbox } from "../src/sandbox/index.js";
import { connectTarget } from "../src/targets/detect.js";

export const description =
  "target adapter against the sandbox: indexing and user-data reads of 10,000 films (items/s, requests)";

const FILMS = 10_000;

export async function run(): Promise<void> {
  const library = sampleTargetLibrary();
  const movies = library.libraries[0]!;
  movies.items ??= [];
  for (let n = 1; n <= FILMS; n++) {
    movies.items.push({
      type: "Movie",
      name: `Film ${n}`,
      providerIds: { Tmdb: String(n) },
      path: `/m/Film ${n}.mkv`,
    });
  }
  for (const [kind, version] of [
    ["jellyfin", "10.11"],
    ["emby", "4.9"],
  ] as const) {
    const sandbox = await startSandbox({ kind, version, library, port: 0 });
    const events: RequestEvent[] = [];
    try {
      const adapter = await connectTarget({
        url: sandbox.url,
        apiKey: sandbox.apiKey,
        kind: "auto",
        timeout: 30,
        concurrency: 4,
        onRequest: (event) => events.push(event),
      });
      let start = performance.now();
      events.length = 0;
      const index = await adapter.index();
      const indexMs = performance.now() - start;
      const indexRequests = events.length;
      const alice = (await adapter.listUsers()).find((user) => user.name === "alice")!;
      events.length = 0;
      start = performance.now();
      const data = await adapter.readUserData(
        alice.id,
        index.items.map((item) => item.id),
      );
      const readMs = performance.now() - start;
      console.log(
        `${kind}@${version}: index ${index.items.length} items in ${indexMs.toFixed(0)} ms ` +
          `(${((index.items.length / indexMs) * 1000).toFixed(0)} items/s, ${indexRequests} requests); ` +
          `readUserData ${data.size} items in ${readMs.toFixed(0)} ms ` +
          `(${((data.size / readMs) * 1000).toFixed(0)} items/s, ${events.length} requests)`,
      );
      adapter.close();
    } finally {
      await sandbox.stop();
    }
  }
}
