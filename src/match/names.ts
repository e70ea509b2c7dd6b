/**
 * User names made valid for a target (SEMANTICS §1; target-apis §3). Which characters a name
 * may hold is the target's rule, given by its dialect (src/targets/jellyfin, src/targets/emby)
 * as a UserNameRule; this file only applies it: rejected characters become `_`, surrounding
 * spaces go, the length is capped.
 */

import type { UserNameRule } from "../model/index.js";

/**
 * Longest name we create, in code points. Neither server documents a limit; 64 keeps names
 * readable in every client's user list and leaves room for a `-N` suffix.
 */
export const MAX_USER_NAME_LENGTH = 64;

/** Name given when nothing valid is left of the Plex name. */
export const FALLBACK_USER_NAME = "user";

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
export function sanitizeUserName(name: string, rule: UserNameRule): string {
  // NFC so that a decomposed "Zoë" from one system equals the composed one from another.
  let out = "";
  for (const char of name.normalize("NFC")) out += rule.char.test(char) ? char : "_";
  out = capName(trimSpaces(out), MAX_USER_NAME_LENGTH);
  // A reserved name ("." on Jellyfin 12) is made of allowed characters: they become `_` too.
  if (rule.reserved?.includes(out)) out = out.replace(/./gu, "_");
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
