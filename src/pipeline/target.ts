import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import type { ResponseEvent } from "../http/client.js";
import { type ConnectedTarget, connectTarget } from "../targets/detect.js";

/** Connects to the configured target; warns loudly when TLS checks are off. */
export async function connectConfiguredTarget(
  config: Config,
  warn: (line: string) => void,
  onResponse?: (event: ResponseEvent) => void,
): Promise<ConnectedTarget> {
  if (config.targetUrl === undefined) {
    throw new ConfigError("no target server given", {
      hint: "Give --target-url URL (or PLEXODUS_TARGET_URL) of your Jellyfin or Emby server.",
    });
  }
  if (config.targetApiKey === undefined) {
    throw new ConfigError("no API key for the target server given", {
      hint: "Create an API key in the server's dashboard and pass it with --target-api-key or PLEXODUS_TARGET_API_KEY.",
    });
  }
  if (config.insecure) {
    warn(
      "WARNING: --insecure: TLS certificates are NOT verified; anyone on the network path can read the API key.",
    );
  }
  return connectTarget({
    url: config.targetUrl,
    apiKey: config.targetApiKey,
    kind: config.targetKind,
    timeout: config.timeout,
    caFile: config.caFile,
    insecure: config.insecure,
    concurrency: config.concurrency,
    onResponse,
  });
}
