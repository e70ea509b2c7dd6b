import { TargetError } from "../../http/errors.js";
import type { TargetKind } from "../../model/index.js";
import type { PublicSystemInfoWire } from "./schema.js";

/** Versions plexodus was built and tested against (docs/targets.md). */
export const SUPPORTED = {
  jellyfin: { from: [10, 8], to: [10, 11], label: "10.8–10.11" },
  emby: { from: [4, 7], to: [4, 9], label: "4.7–4.9" },
} as const;

/**
 * Kind and version from /System/Info/Public (reference §2.3): Jellyfin names itself in
 * ProductName; Emby has no ProductName and a four-part version. Anything else is refused.
 */
export function identify(
  info: PublicSystemInfoWire,
  serverUrl: string,
): { kind: TargetKind; version: string } {
  if (info.ProductName === "Jellyfin Server") return { kind: "jellyfin", version: info.Version };
  if (!info.ProductName && /^4\.\d+\.\d+\.\d+$/.test(info.Version))
    return { kind: "emby", version: info.Version };
  throw new TargetError(
    "failed",
    `${serverUrl} is neither Jellyfin nor Emby (product ${JSON.stringify(info.ProductName ?? "")}, version ${JSON.stringify(info.Version)})`,
    { hint: "Check --target-url: it must point at a Jellyfin 10.8–10.11 or Emby 4.7–4.9 server." },
  );
}

/**
 * Versions outside the tested range are refused, not warned about: their write semantics
 * are unknown (Jellyfin 12 changes auth and routes), and a wrong mark on someone's history
 * is worse than not migrating.
 */
export function checkSupported(kind: TargetKind, version: string, serverUrl: string): void {
  const [major = Number.NaN, minor = Number.NaN] = version.split(".").map(Number);
  const range = SUPPORTED[kind];
  const value = major * 1000 + minor;
  const from = range.from[0] * 1000 + range.from[1];
  const to = range.to[0] * 1000 + range.to[1];
  if (!(value >= from && value <= to)) {
    throw new TargetError(
      "failed",
      `${serverUrl} runs ${kind} ${version}; plexodus supports ${kind} ${range.label}`,
      {
        hint: "Upgrade the server into the supported range, or use a plexodus release that supports this version.",
      },
    );
  }
}
