import { optionFlag } from "../config/options.js";
import { ServiceError } from "../http/errors.js";
import type { TargetKind } from "../model/index.js";
import { EMBY } from "./emby/dialect.js";
import { JELLYFIN } from "./jellyfin/dialect.js";
import { compareVersion, type Dialect, type DialectFamily, versionText } from "./mediabrowser/dialect.js";
import type { PublicSystemInfoWire } from "./mediabrowser/schema.js";
import type { TargetWarning } from "./types.js";

/** Every kind of target plexodus speaks to, in the order they are tried on detection. */
export const FAMILIES: readonly DialectFamily[] = [JELLYFIN, EMBY];

export function familyOf(kind: TargetKind): DialectFamily {
  return kind === "jellyfin" ? JELLYFIN : EMBY;
}

export function dialectFor(kind: TargetKind, version: string): Dialect {
  return familyOf(kind).dialect(version);
}

/** "10.8 or later": newer releases than the newest known one are served too. */
function rangeText(family: DialectFamily): string {
  return `${versionText(family.versions.oldest)} or later`;
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

/** The `code` of the warning a server newer than the newest known release gets. */
export const NEWER_THAN_KNOWN = "target-version-newer-than-known";

/**
 * Versions older than the supported range are refused (exit 4): their write semantics are
 * known to differ. A version newer than the newest known release is not refused — servers are
 * upgraded all the time, and a migrator that stops at every release fails the people it is
 * for — but goes on with the newest dialect and returns the warning to show once. A version
 * that cannot be read is refused like an old one.
 */
export function checkSupported(kind: TargetKind, version: string, serverUrl: string): TargetWarning | null {
  const family = familyOf(kind);
  const { oldest, newest } = family.versions;
  const name = family.service.name;
  const fromOldest = compareVersion(version, oldest);
  if (Number.isNaN(fromOldest) || fromOldest < 0) {
    throw new ServiceError(
      "unsupported",
      `${serverUrl} runs ${name} ${version}; plexodus supports ${name} ${rangeText(family)}`,
      {
        hint: Number.isNaN(fromOldest)
          ? `plexodus cannot read the version ${JSON.stringify(version)}; check ${optionFlag("targetUrl")} points at the server itself.`
          : `Upgrade the server to ${name} ${versionText(oldest)} or later.`,
      },
    );
  }
  if (compareVersion(version, newest) <= 0) return null;
  return {
    code: NEWER_THAN_KNOWN,
    message: `${name} ${version} is newer than the newest version plexodus knows (${versionText(newest)}); going on as with ${versionText(newest)} (check the result with verify).`,
  };
}
