import { randomUUID } from "node:crypto";
import { z } from "zod";
import { optionFlag, optionLabel } from "../../config/options.js";
import { HttpClient, type Query, type RequestEvent, type ResponseEvent } from "../../http/client.js";
import { type Service, ServiceError } from "../../http/errors.js";
import { packageVersion } from "../../paths.js";

/** How errors name Plex and the options that fix a refused token or a wrong URL. */
export const PLEX_SERVICE: Service = {
  name: "Plex",
  credential: "token",
  credentialOption: optionLabel("plexToken"),
  credentialHelp:
    "it must be a current X-Plex-Token of the server owner (Plex Web → any item → ⋯ → Get Info → View XML " +
    `shows it in the address), and ${optionFlag("plexUrl")} must point at that owner's server. ` +
    "Tokens change when the owner signs out everywhere.",
  urlOption: optionLabel("plexUrl"),
  urlParts: "scheme, host and port, usually 32400",
};

export interface PlexApiOptions {
  /** Plex server URL (`http://nas:32400`); credentials in it are dropped. */
  url: string;
  /** An X-Plex-Token of the server owner. */
  token: string;
  timeoutSeconds?: number;
  /** Parallel requests to Plex (default 4). */
  concurrency?: number;
  /** Entries per page of every list (default 500). */
  pageSize?: number;
  caFile?: string | undefined;
  insecure?: boolean | undefined;
  /** Tests: see every request (never its headers, so never the token). */
  onRequest?: (event: RequestEvent) => void;
  /** `--log`: every request once it ended. */
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  /** Tests: retries without waiting. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * What Jellyfin and Emby answer on their public info route (any server that has one: the
 * reader knows nothing of targets, only enough to tell a person which server they gave).
 */
const MediaBrowserInfoWire = z.object({
  Version: z.string().min(1),
  Id: z.string().min(1),
  ProductName: z.string().nullish(),
});

/** The paging counts every list container carries. */
interface Counts {
  totalSize?: number | undefined;
}

/**
 * The Plex side of the HTTP layer: the token travels in the X-Plex-Token header and is
 * registered as a secret; failures (auth, unreachable → exit 4) name Plex and its options.
 */
export class PlexClient {
  readonly serverUrl: string;
  readonly pageSize: number;
  private readonly http: HttpClient;
  private readonly options: PlexApiOptions;
  /** Whether a failure was already checked for "this is not Plex" (once is enough). */
  private checkedKind = false;

  constructor(options: PlexApiOptions) {
    this.options = options;
    this.pageSize = Math.max(1, options.pageSize ?? 500);
    this.http = new HttpClient({
      service: PLEX_SERVICE,
      baseUrl: options.url,
      headers: {
        "X-Plex-Token": options.token,
        "X-Plex-Client-Identifier": `plexodus-${randomUUID()}`,
        "X-Plex-Product": "plexodus",
        "X-Plex-Version": packageVersion(),
      },
      secrets: [options.token],
      timeoutSeconds: options.timeoutSeconds ?? 30,
      concurrency: options.concurrency ?? 4,
      caFile: options.caFile,
      insecure: options.insecure,
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      onResponse: options.onResponse,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    this.serverUrl = this.http.serverUrl;
  }

  async get<T>(path: string, schema: z.ZodType<T>, query: Query = {}): Promise<T> {
    try {
      return await this.http.get(path, { schema, query });
    } catch (error) {
      throw await this.explain(error);
    }
  }

  /**
   * A refused or strange answer from something that is not Plex at all — most often the
   * Jellyfin or Emby server given as --plex-url — is named, with the fix (exit 4).
   */
  private async explain(error: unknown): Promise<unknown> {
    if (this.checkedKind || !(error instanceof ServiceError)) return error;
    const answered = error.status !== undefined || error.category === "failed";
    if (!answered || error.category === "transient") return error;
    this.checkedKind = true;
    const probe = new HttpClient({
      service: PLEX_SERVICE,
      baseUrl: this.options.url,
      timeoutSeconds: Math.min(this.options.timeoutSeconds ?? 30, 10),
      caFile: this.options.caFile,
      insecure: this.options.insecure,
      concurrency: 1,
      retry: { attempts: 1 },
    });
    try {
      const info = await probe.get("/System/Info/Public", { schema: MediaBrowserInfoWire });
      const product = info.ProductName ? `${info.ProductName} ${info.Version}` : `Emby ${info.Version}`;
      return new ServiceError("unreachable", `${this.serverUrl} is ${product}, not a Plex Media Server`, {
        cause: error,
        hint:
          `${optionFlag("plexUrl")} is the Plex server to read from (usually port 32400); give this server ` +
          `as ${optionFlag("targetUrl")} (with ${optionFlag("targetApiKey")}).`,
      });
    } catch {
      return error;
    } finally {
      probe.close();
    }
  }

  /**
   * Every entry of a paged list: pages of `pageSize` through `X-Plex-Container-Start`/`-Size`
   * until the container's `totalSize` is reached (or, without one, a short page arrives).
   */
  async all<M extends Counts, T>(
    path: string,
    schema: z.ZodType<{ MediaContainer: M }>,
    pick: (container: M) => T[],
    query: Query = {},
    onPage?: (count: number, total: number | undefined) => void,
  ): Promise<{ entries: T[]; totalSize: number | undefined }> {
    const entries: T[] = [];
    let totalSize: number | undefined;
    for (let start = 0; ; ) {
      const page = await this.get(path, schema, {
        ...query,
        "X-Plex-Container-Start": start,
        "X-Plex-Container-Size": this.pageSize,
      });
      const got = pick(page.MediaContainer);
      totalSize = page.MediaContainer.totalSize;
      entries.push(...got);
      start += got.length;
      onPage?.(got.length, totalSize);
      if (got.length === 0) break;
      if (totalSize !== undefined ? start >= totalSize : got.length < this.pageSize) break;
    }
    return { entries, totalSize };
  }

  close(): void {
    this.http.close();
  }
}
