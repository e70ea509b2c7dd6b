import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { optionFlag, optionLabel } from "../config/options.js";
import { HttpClient, type RequestEvent } from "../http/client.js";
import { type Service, ServiceError } from "../http/errors.js";
import type { TargetKind, TargetServerInfo, UserNameRule } from "../model/index.js";
import { packageVersion } from "../paths.js";
import type { RetryPolicy } from "../retry.js";
import { checkSupported, FAMILIES, familyOf, identify } from "./families.js";
import { MediaBrowserAdapter } from "./mediabrowser/adapter.js";
import { mediaBrowserAuthorization } from "./mediabrowser/dialect.js";
import { PublicSystemInfoWire } from "./mediabrowser/schema.js";
import type { TargetAdapter, TargetWarning } from "./types.js";
import { explainFailedDetection } from "./wrong-server.js";

export interface ConnectOptions {
  url: string;
  apiKey: string;
  kind: "auto" | TargetKind;
  /** Seconds per request. */
  timeout: number;
  caFile?: string | undefined;
  insecure?: boolean | undefined;
  concurrency: number;
  /** Tests: count requests, shorten retries. */
  onRequest?: (event: RequestEvent) => void;
  retry?: Partial<RetryPolicy>;
}

export type ConnectedTarget = TargetAdapter & {
  readonly info: TargetServerInfo;
  /** The server's user-name rule, for the matcher's name sanitizer (src/match/names.ts). */
  readonly userNames: UserNameRule;
  /** What the person must be told about this server before the run goes on (shown once). */
  readonly warnings: readonly TargetWarning[];
  close(): void;
};

/** Until /System/Info/Public has answered, errors speak of "the target" and fit both kinds. */
const UNDETECTED: Service = {
  name: "target",
  credential: "API key",
  credentialOption: optionLabel("targetApiKey"),
  credentialHelp: "it must be an API key created by an administrator of the server.",
  urlOption: optionLabel("targetUrl"),
  urlParts: `scheme, host, port and any base path such as ${FAMILIES.map((f) => `/${f.kind}`).join(" or ")}`,
};

/** Same on every run from this machine, so servers list one device, not one per run. */
function deviceId(): string {
  return `plexodus-${createHash("sha256").update(`plexodus:${hostname()}`).digest("hex").slice(0, 16)}`;
}

/**
 * Connects to a target: detects Jellyfin or Emby and its version from /System/Info/Public,
 * refuses versions older than the supported range (exit 4), warns about ones newer than the
 * newest known, and proves the key is an admin's, so bad credentials fail at start (exit 4)
 * instead of in the middle of a run.
 */
export async function connectTarget(options: ConnectOptions): Promise<ConnectedTarget> {
  const clientVersion = packageVersion();
  const base = { baseUrl: options.url, timeoutSeconds: options.timeout, caFile: options.caFile };
  const common = {
    ...base,
    insecure: options.insecure,
    concurrency: options.concurrency,
    secrets: [options.apiKey],
    onRequest: options.onRequest,
    retry: options.retry,
  };
  // Detection sends the MediaBrowser header too: Emby's spec lists auth on the public route.
  const probe = new HttpClient({
    ...common,
    service: UNDETECTED,
    headers: { Authorization: mediaBrowserAuthorization(options.apiKey, deviceId(), clientVersion) },
  });
  let pub: PublicSystemInfoWire;
  try {
    pub = await probe.get("/System/Info/Public", { schema: PublicSystemInfoWire });
  } catch (error) {
    // A Plex server or a wrong base path: say what answers instead (exit 4).
    throw await explainFailedDetection(error, {
      url: probe.serverUrl,
      service: UNDETECTED,
      timeout: options.timeout,
      caFile: options.caFile,
      insecure: options.insecure,
    });
  } finally {
    probe.close();
  }
  const found = identify(pub, probe.serverUrl);
  const serverId = pub.Id;
  const serverName = pub.ServerName ?? "";
  if (options.kind !== "auto" && options.kind !== found.kind) {
    throw new ServiceError(
      "failed",
      `${probe.serverUrl} is ${found.kind} ${found.version}, not ${options.kind}`,
      {
        hint: `Fix ${optionFlag("targetKind")}, or leave it at auto.`,
      },
    );
  }
  const warning = checkSupported(found.kind, found.version, probe.serverUrl);
  const family = familyOf(found.kind);
  const dialect = family.dialect(found.version);
  const http = new HttpClient({
    ...common,
    service: family.service,
    headers: dialect.headers(options.apiKey, deviceId(), clientVersion),
  });
  const info: TargetServerInfo = {
    kind: found.kind,
    version: found.version,
    serverId,
    serverName,
    url: http.serverUrl,
    features: {
      userDataWrite: dialect.abilities.userDataWrite,
      privatePlaylists: dialect.abilities.privatePlaylists,
      playlistEntryRemoval: dialect.abilities.playlistEntryRemoval,
    },
  };
  const adapter = new MediaBrowserAdapter(http, dialect, info, options.concurrency, warning ? [warning] : []);
  try {
    await adapter.check();
  } catch (error) {
    adapter.close();
    throw error;
  }
  return adapter;
}
