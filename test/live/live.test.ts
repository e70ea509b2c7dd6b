import { describe, it } from "vitest";
import type { TargetKind } from "../../src/model/index.js";
import { connectTarget } from "../../src/targets/detect.js";
import { adapterContract } from "../contract/adapter.contract.js";

/**
 * The adapter contract against real servers, when their URL and an admin API key are given:
 *   JELLYFIN_URL=… JELLYFIN_API_KEY=… npx vitest run test/live
 *   EMBY_URL=… EMBY_API_KEY=… npx vitest run test/live
 * The suite creates one uniquely named user, playlist and collection, writes user data only
 * for that user, and deletes all of them again. Nothing else on the server is touched.
 */
const TARGETS: { kind: TargetKind; url: string | undefined; apiKey: string | undefined }[] = [
  { kind: "jellyfin", url: process.env.JELLYFIN_URL, apiKey: process.env.JELLYFIN_API_KEY },
  { kind: "emby", url: process.env.EMBY_URL, apiKey: process.env.EMBY_API_KEY },
];

for (const { kind, url, apiKey } of TARGETS) {
  if (!url || !apiKey) {
    const variable = kind.toUpperCase();
    describe(`live ${kind}`, () => {
      it.skip(`skipped: set ${variable}_URL and ${variable}_API_KEY to run the adapter contract against a real ${kind}`, () => {});
    });
    console.info(`live ${kind}: skipped (set ${variable}_URL and ${variable}_API_KEY to run it)`);
    continue;
  }
  adapterContract(`live ${kind}`, async () => {
    const connect = {
      url,
      apiKey,
      kind,
      timeout: 30,
      concurrency: 2,
      caFile: process.env.PLEXODUS_CA_FILE,
    };
    const adapter = await connectTarget(connect);
    return { adapter, cleanup: async () => {}, expectations: { kind, connect } };
  });
}
