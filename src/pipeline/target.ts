import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import type { RequestEvent } from "../http/client.js";
import { type ConnectedTarget, connectTarget } from "../targets/detect.js";
import type { Interaction } from "./interaction.js";

/**
 * Connects to the configured target; warns loudly when TLS checks are off, and passes on what
 * the target says about itself (a version newer than plexodus knows). `onRequest` sees every
 * request before it is sent (and may stop it by throwing): `rehearse` counts its reads.
 */
export async function connectConfiguredTarget(
  config: Config,
  interaction: Pick<Interaction, "warn" | "notice">,
  onRequest?: (event: RequestEvent) => void,
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
    interaction.warn(
      "WARNING: --insecure: TLS certificates are NOT verified; anyone on the network path can read the API key.",
    );
  }
  const target = await connectTarget({
    url: config.targetUrl,
    apiKey: config.targetApiKey,
    kind: config.targetKind,
    timeout: config.timeout,
    caFile: config.caFile,
    insecure: config.insecure,
    concurrency: config.concurrency,
    ...(onRequest ? { onRequest } : {}),
  });
  for (const warning of target.warnings) interaction.notice(warning);
  return target;
}
