/**
 * User names made valid for a target (SEMANTICS §1; target-apis §3).
 *
 * Jellyfin validates names with a .NET regex: 10.8–10.10 `^[\w\ \-'._@]+$`, 10.11
 * `^(?!\s)[\w\ \-'._@+]+(?<!\s)$`. .NET's `\w` is `[\p{L}\p{Mn}\p{Nd}\p{Pc}]` and works on
 * UTF-16 code units, so a character outside the Basic Multilingual Plane (emoji, rare CJK) is
 * two surrogates that `\w` rejects; spacing marks (`\p{Mc}`) are rejected too.
 *
 * Emby publishes no rule [UNCERTAIN in the reference]. We use the strictest Jellyfin rule
 * (no `+`, no surrounding spaces) for Emby and for Jellyfin versions we cannot read: a name
 * valid there is valid under every rule we know of, and if Emby rejects it anyway the
 * creation fails loudly with the server's message rather than producing a wrong user.
 */

import type { TargetKind } from "../model/index.js";

export interface NameTarget {
  kind: TargetKind;
  version: string;
}

/**
 * Longest name we create, in code points. Neither server documents a limit; 64 keeps names
 * readable in every client's user list and leaves room for a `-N` suffix.
 */
export const MAX_USER_NAME_LENGTH = 64;

/** Name given when nothing valid is left of the Plex name. */
export const FALLBACK_USER_NAME = "user";

const WORD = String.raw`\p{L}\p{Mn}\p{Nd}\p{Pc}`;
const STRICT_EXTRA = String.raw` \-'._@`;
const STRICT_CHAR = new RegExp(`^[${WORD}${STRICT_EXTRA}]$`, "u");
const PLUS_CHAR = new RegExp(`^[${WORD}${STRICT_EXTRA}+]$`, "u");

/** True for Jellyfin 10.11 and later, whose rule also accepts `+`. */
function allowsPlus(target: NameTarget): boolean {
  if (target.kind !== "jellyfin") return false;
  const match = /^(\d+)\.(\d+)/.exec(target.version.trim());
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 10 || (major === 10 && minor >= 11);
}

function isAllowed(char: string, plus: boolean): boolean {
  // One code point above U+FFFF is two UTF-16 surrogates, which .NET's \w rejects.
  if (char.length > 1) return false;
  return (plus ? PLUS_CHAR : STRICT_CHAR).test(char);
}

function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, "");
}

/** Cuts to `max` code points and drops spaces the cut left at the end. */
export function capName(name: string, max: number): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  return trimSpaces(chars.slice(0, max).join(""));
}

/**
 * The Plex name as the target accepts it: rejected characters become `_`, surrounding
 * spaces go, the result is capped at MAX_USER_NAME_LENGTH and is never empty. Idempotent.
 */
export function sanitizeUserName(name: string, target: NameTarget): string {
  const plus = allowsPlus(target);
  // NFC so that a decomposed "Zoë" from one system equals the composed one from another.
  let out = "";
  for (const char of name.normalize("NFC")) out += isAllowed(char, plus) ? char : "_";
  out = capName(trimSpaces(out), MAX_USER_NAME_LENGTH);
  return out === "" ? FALLBACK_USER_NAME : out;
}

/** The name with a collision suffix (`-2`, `-3`, …), still within the length cap. */
export function suffixedName(base: string, n: number): string {
  if (n <= 1) return base;
  const suffix = `-${n}`;
  const room = MAX_USER_NAME_LENGTH - suffix.length;
  const head = capName(base, room);
  return `${head === "" ? FALLBACK_USER_NAME : head}${suffix}`;
}
