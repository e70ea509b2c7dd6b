import { optionFlag } from "../config/options.js";
import { ServiceError } from "../http/errors.js";
import type { TargetKind } from "../model/index.js";
import { EMBY } from "./emby/dialect.js";
import { JELLYFIN } from "./jellyfin/dialect.js";
import { type Dialect, type DialectFamily, majorMinor, versionText } from "./mediabrowser/dialect.js";
import type { PublicSystemInfoWire } from "./mediabrowser/schema.js";

/** Every kind of target plexodus speaks to, in the order they are tried on detection. */
export const FAMILIES: readonly DialectFamily[] = [JELLYFIN, EMBY];

export function familyOf(kind: TargetKind): DialectFamily {
  return kind === "jellyfin" ? JELLYFIN : EMBY;
}

export function dialectFor(kind: TargetKind, version: string): Dialect {
  return familyOf(kind).dialect(version);
}

/** "10.8–10.11". */
function rangeText(family: DialectFamily): string {
  return `${versionText(family.versions.oldest)}–${versionText(family.versions.newest)}`;
}

/** Kind and version from /System/Info/Public; a server no family recognizes is refused. */
export function identify(
  info: PublicSystemInfoWire,
  serverUrl: string,
): { kind: TargetKind; version: string } {
  const family = FAMILIES.find((candidate) => candidate.recognizes(info));
  if (family) return { kind: family.kind, version: info.Version };
  const names = FAMILIES.map((f) => f.service.name);
  const ranges = FAMILIES.map((f) => `${f.service.name} ${rangeText(f)}`);
  // A server of another kind at the URL is a wrong-server mistake, like no server (exit 4).
  throw new ServiceError(
    "unreachable",
    `${serverUrl} is neither ${names.join(" nor ")} (product ${JSON.stringify(info.ProductName ?? "")}, version ${JSON.stringify(info.Version)})`,
    { hint: `Check ${optionFlag("targetUrl")}: it must point at a ${ranges.join(" or ")} server.` },
  );
}

/**
 * Versions outside the tested range are refused, not warned about: their write semantics
 * are unknown (Jellyfin 12 changes auth and routes), and a wrong mark on someone's history
 * is worse than not migrating.
 */
export function checkSupported(kind: TargetKind, version: string, serverUrl: string): void {
  const family = familyOf(kind);
  const { oldest, newest } = family.versions;
  const rank = ([major, minor]: readonly [number, number]) => major * 1000 + minor;
  const value = rank(majorMinor(version));
  if (value >= rank(oldest) && value <= rank(newest)) return;
  const message = `${serverUrl} runs ${kind} ${version}; plexodus supports ${kind} ${rangeText(family)}`;
  throw new ServiceError("failed", message, {
    hint:
      value > rank(newest)
        ? `${family.service.name} ${version} is newer than plexodus knows (${versionText(newest)}); use a plexodus release that supports it.`
        : "Upgrade the server into the supported range, or use a plexodus release that supports this version.",
  });
}
