import { randomBytes } from "node:crypto";
import type { TargetKind } from "../model/index.js";
import { sampleTargetLibrary } from "../sample/target.js";
import { type AuthSettings, legacyAuthorizationDefault } from "./auth.js";
import { type FaultController, type FaultOptions, Faults } from "./faults.js";
import { IdFactory } from "./ids.js";
import { parseSandboxLibrary, type SandboxLibrary } from "./library.js";
import { UserDataNotifier } from "./notifier.js";
import { dataKeyFor, personality, playlistRulesFor } from "./personalities.js";
import { DEFAULT_VERSIONS, SUPPORTED_VERSIONS } from "./personality.js";
import { type RequestLogEntry, SandboxServer } from "./server.js";
import { dumpState, type SandboxState } from "./state.js";
import { Store } from "./store.js";
import { SpecValidator } from "./validate.js";

export type { FaultController, FaultOptions } from "./faults.js";
export { loadSandboxLibrary, parseSandboxLibrary, type SandboxLibrary } from "./library.js";
export { closestVersion } from "./personality.js";
export type { RequestLogEntry } from "./server.js";
export { snapshotLibrary, type TargetSnapshot } from "./snapshot.js";
export type { SandboxState } from "./state.js";
export { OUTSIDE_NAME } from "./store.js";
export { DEFAULT_VERSIONS, SUPPORTED_VERSIONS };

export interface SandboxOptions {
  kind: TargetKind;
  /** One of SUPPORTED_VERSIONS[kind] ("10.11", "12.0", "4.9" …); default DEFAULT_VERSIONS[kind]. */
  version?: string;
  /**
   * The version /System/Info/Public reports instead of the personality's own ("13.0.0",
   * "10.7.7"), for testing how clients treat releases newer or older than they know. The
   * server still behaves as `version`.
   */
  reportedVersion?: string;
  /** Default: the bundled sample's target library (src/sample/target.ts). */
  library?: SandboxLibrary;
  /** Default: a random one. */
  apiKey?: string;
  port?: number;
  host?: string;
  /**
   * Record request/response violations of the personality's OpenAPI extract in `violations`.
   * Default: on under vitest (so every test that uses a sandbox is checked), off otherwise.
   */
  validate?: boolean;
  faults?: FaultOptions;
  /**
   * Jellyfin's EnableLegacyAuthorization (10.11+): when on, `X-Emby-Token`,
   * `X-MediaBrowser-Token`, `api_key`, `X-Emby-Authorization` and the `Emby` scheme count as
   * credentials. Default: on for 10.11, off for 12.0 (as the servers ship). Earlier Jellyfin
   * versions and Emby always accept them.
   */
  legacyAuthorization?: boolean;
  /** Serve HTTPS with this key and certificate (PEM); the URL then starts with https://. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Clock for "now" (LastPlayedDate defaults); default the system clock. */
  now?: () => Date;
}

export interface Sandbox {
  url: string;
  apiKey: string;
  kind: TargetKind;
  version: string;
  stop(): Promise<void>;
  /** Drops in-flight requests, keeps state and port. */
  restart(): Promise<void>;
  /** Deep copy of users, user data per user, playlists and collections. */
  dump(): SandboxState;
  requests: RequestLogEntry[];
  /** OpenAPI validation failures and sandbox bugs; tests assert it stays empty. */
  violations: string[];
  faults: FaultController;
  /** The API key stops working: 401 from then on. */
  revokeApiKey(): void;
  /** Id of the library item with this `ref` (throws if there is none). */
  idOf(ref: string): string;
  /** What names an item (as the server lists it), or undefined when there is no such item. */
  describe(id: string): SandboxItemInfo | undefined;
}

export interface SandboxItemInfo {
  type: string;
  name: string;
  year: number | undefined;
  /** Episodes and seasons: their series. */
  seriesName: string | undefined;
  /** Tracks: their album. */
  albumName: string | undefined;
  /** Episode or track number; a season's number. */
  indexNumber: number | undefined;
  /** An episode's season number. */
  parentIndexNumber: number | undefined;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const kind = options.kind;
  const version = options.version ?? DEFAULT_VERSIONS[kind];
  if (!SUPPORTED_VERSIONS[kind]?.includes(version)) {
    throw new Error(
      `sandbox: unsupported ${kind} version "${version}" (supported: ${SUPPORTED_VERSIONS[kind].join(", ")})`,
    );
  }
  const library = parseSandboxLibrary(options.library ?? sampleTargetLibrary());
  const p = personality(kind, version, options.reportedVersion);
  const store = new Store(
    new IdFactory(kind),
    library,
    dataKeyFor(kind, version),
    playlistRulesFor(kind, version),
  );
  const apiKey = options.apiKey ?? randomBytes(16).toString("hex");
  const auth: AuthSettings = {
    apiKey,
    revoked: false,
    legacyAuthorization: options.legacyAuthorization ?? legacyAuthorizationDefault(p),
  };
  const faults = new Faults(options.faults);
  const requests: RequestLogEntry[] = [];
  const violations: string[] = [];
  const host = options.host ?? "127.0.0.1";
  let url = "";
  const server = new SandboxServer({
    personality: p,
    store,
    validator: await SpecValidator.for(p.spec, kind),
    validate: options.validate ?? process.env.VITEST !== undefined,
    faults,
    auth,
    requests,
    violations,
    // Observed crashing 12.0.0; 10.9-10.11 run the same notifier, session binding and user
    // lookup (read in their sources, docs/targets.md); 10.8 binds no session to the user named.
    ...(kind === "jellyfin" && p.atLeast("10.9") ? { notifier: new UserDataNotifier(violations) } : {}),
    now: options.now ?? (() => new Date()),
    baseUrl: () => url,
    tls: options.tls,
  });
  let port = await server.listen(options.port ?? 0, host);
  const scheme = options.tls ? "https" : "http";
  url = `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    apiKey,
    kind,
    version,
    requests,
    violations,
    faults,
    stop: () => server.close(),
    async restart() {
      await server.close();
      port = await server.listen(port, host);
    },
    dump: () => dumpState(p, store),
    revokeApiKey() {
      auth.revoked = true;
    },
    idOf(ref) {
      const item = store.byRef.get(ref);
      if (!item) throw new Error(`sandbox: no item with ref "${ref}"`);
      return item.id;
    },
    describe(id) {
      const item = store.items.get(id);
      if (!item) return undefined;
      return {
        type: item.type,
        name: item.name,
        year: item.year,
        seriesName: item.seriesName,
        albumName: item.albumName,
        indexNumber: item.indexNumber,
        parentIndexNumber: item.parentIndexNumber,
      };
    },
  };
}
