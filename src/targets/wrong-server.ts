import { z } from "zod";
import { optionFlag } from "../config/options.js";
import { HttpClient } from "../http/client.js";
import { type Service, ServiceError } from "../http/errors.js";
import { FAMILIES } from "./families.js";
import { PublicSystemInfoWire } from "./mediabrowser/schema.js";

/** How the probes reach the server: the TLS settings of the run, no credentials. */
export interface ProbeSettings {
  url: string;
  service: Service;
  timeout: number;
  caFile?: string | undefined;
  insecure?: boolean | undefined;
}

const PlexIdentityWire = z.object({
  MediaContainer: z.object({ machineIdentifier: z.string().min(1), version: z.string().nullish() }),
});

/**
 * `/System/Info/Public` did not answer as Jellyfin or Emby. The usual causes are mistakes a
 * person can fix at once — the Plex server given as the target, a base path the server does
 * not have (or lacks) — so before giving up, look at what does answer and say so (exit 4,
 * as for any server that cannot be reached as given). Anything else keeps its own error.
 * Probes go only to routes the servers in question have, and only as far as needed.
 */
export async function explainFailedDetection(error: unknown, settings: ProbeSettings): Promise<unknown> {
  if (!(error instanceof ServiceError)) return error;
  const unexpected = error.category === "failed" && error.status === undefined;
  const refused = error.status === 401 || error.status === 403;
  if (!unexpected && !refused && error.status !== 404) return error;
  const url = settings.url.replace(/\/+$/, "");
  // Jellyfin and Emby answer this route to anyone: refused with the key but answered without
  // it, the key is what is wrong, as the original error says.
  if (refused && isMediaBrowser(await probe(settings, url, "/System/Info/Public", PublicSystemInfoWire))) {
    return error;
  }
  if (!refused) {
    for (const candidate of elsewhere(url)) {
      const info = await probe(settings, candidate, "/System/Info/Public", PublicSystemInfoWire);
      const family = info && FAMILIES.find((f) => f.recognizes(info));
      if (info && family) {
        return new ServiceError(
          "unreachable",
          `no Jellyfin or Emby answers at ${url} (${describe(error)}), but ${family.service.name} ${info.Version} does at ${candidate}`,
          {
            cause: error,
            hint: `Give ${optionFlag("targetUrl")} ${candidate}: the base path must match the server's own setting.`,
          },
        );
      }
    }
  }
  for (const base of new Set([url, new URL(url).origin])) {
    const plex = await probe(settings, base, "/identity", PlexIdentityWire);
    if (!plex) continue;
    const version = plex.MediaContainer.version ? ` ${plex.MediaContainer.version}` : "";
    return new ServiceError("unreachable", `${base} is a Plex Media Server${version}, not Jellyfin or Emby`, {
      cause: error,
      hint:
        `${optionFlag("targetUrl")} is the Jellyfin or Emby server to migrate to; give this Plex server ` +
        `as ${optionFlag("plexUrl")} (with ${optionFlag("plexToken")}), or its database as ${optionFlag("plexDb")}.`,
    });
  }
  if (refused) return error;
  return new ServiceError("unreachable", `no Jellyfin or Emby answers at ${url} (${describe(error)})`, {
    cause: error,
    hint:
      `Check ${optionFlag("targetUrl")}: scheme, host, port and a base path (such as /jellyfin) only when ` +
      "the server is set up with one.",
  });
}

function isMediaBrowser(info: PublicSystemInfoWire | undefined): boolean {
  return info !== undefined && FAMILIES.some((family) => family.recognizes(info));
}

function describe(error: ServiceError): string {
  return error.status === undefined
    ? "/System/Info/Public gave an answer that is not theirs"
    : `/System/Info/Public answered HTTP ${error.status}`;
}

/** The same server without the base path given, or with the base path the kinds suggest. */
function elsewhere(url: string): string[] {
  const parsed = new URL(url);
  const origin = parsed.origin;
  const path = parsed.pathname.replace(/\/+$/, "");
  const candidates = path === "" ? [] : [origin];
  for (const family of FAMILIES) {
    const guess = `${origin}/${family.kind}`;
    if (guess !== url) candidates.push(guess);
  }
  return candidates;
}

/** One GET without credentials or retries; undefined when it does not answer in shape. */
async function probe<T>(
  settings: ProbeSettings,
  baseUrl: string,
  path: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  const client = new HttpClient({
    service: settings.service,
    baseUrl,
    timeoutSeconds: Math.min(settings.timeout, 10),
    caFile: settings.caFile,
    insecure: settings.insecure,
    concurrency: 1,
    retry: { attempts: 1 },
  });
  try {
    return await client.get(path, { schema });
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}
