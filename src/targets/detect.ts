import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { HttpClient, type RequestEvent } from "../http/client.js";
import { TargetError } from "../http/errors.js";
import type { TargetKind, TargetServerInfo } from "../model/index.js";
import { packageVersion } from "../paths.js";
import type { RetryPolicy } from "../retry.js";
import { embyDialect } from "./emby/dialect.js";
import { jellyfinDialect } from "./jellyfin/dialect.js";
import { MediaBrowserAdapter } from "./mediabrowser/adapter.js";
import { type Dialect, mediaBrowserAuthorization } from "./mediabrowser/dialect.js";
import { checkSupported, identify } from "./mediabrowser/identify.js";
import { PublicSystemInfoWire } from "./mediabrowser/schema.js";
import type { TargetAdapter } from "./types.js";

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

export type ConnectedTarget = TargetAdapter & { readonly info: TargetServerInfo; close(): void };

export function dialectFor(kind: TargetKind, version: string): Dialect {
  return kind === "jellyfin" ? jellyfinDialect(version) : embyDialect(version);
}

/** User-name rule of a target version, for the name sanitizer (src/match/names.ts). */
export function userNamePattern(kind: TargetKind, version: string): RegExp {
  return dialectFor(kind, version).userNamePattern;
}

/** Same on every run from this machine, so servers list one device, not one per run. */
function deviceId(): string {
  return `plexodus-${createHash("sha256").update(`plexodus:${hostname()}`).digest("hex").slice(0, 16)}`;
}

/**
 * Connects to a target: detects Jellyfin or Emby and its version from /System/Info/Public,
 * refuses versions outside the supported range, and proves the key is an admin's, so bad
 * credentials fail at start (exit 4) instead of in the middle of a run.
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
    headers: { Authorization: mediaBrowserAuthorization(options.apiKey, deviceId(), clientVersion) },
  });
  let found: { kind: TargetKind; version: string };
  let serverId: string;
  let serverName: string;
  try {
    const pub = await probe.get("/System/Info/Public", { schema: PublicSystemInfoWire });
    found = identify(pub, probe.serverUrl);
    serverId = pub.Id;
    serverName = pub.ServerName ?? "";
  } finally {
    probe.close();
  }
  if (options.kind !== "auto" && options.kind !== found.kind) {
    throw new TargetError(
      "failed",
      `${probe.serverUrl} is ${found.kind} ${found.version}, not ${options.kind}`,
      {
        hint: "Fix --target-kind, or leave it at auto.",
      },
    );
  }
  checkSupported(found.kind, found.version, probe.serverUrl);
  const dialect = dialectFor(found.kind, found.version);
  const http = new HttpClient({
    ...common,
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
  const adapter = new MediaBrowserAdapter(http, dialect, info, options.concurrency);
  try {
    await adapter.check();
  } catch (error) {
    adapter.close();
    throw error;
  }
  return adapter;
}
