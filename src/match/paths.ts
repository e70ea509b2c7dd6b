import type { Mapping } from "../config/values.js";

/**
 * File paths compared across hosts (SEMANTICS §2 rule 3).
 *
 * Clean form: `\` becomes `/`, repeated separators collapse (except the two that open a UNC
 * path), a trailing separator goes, and the text is NFC (macOS hands out decomposed names).
 * Comparison key: the clean form, lower-cased when it is Windows-style — a drive letter
 * (`D:/…`) or a UNC share (`//server/…`) — because Windows file systems ignore case; every
 * other path is compared exactly, since Linux and most NAS file systems do not.
 */
export function cleanPath(path: string): string {
  // Trimming can expose a trailing separator and dropping one can expose a space ("a/ \\"):
  // clean until nothing changes, so cleaning twice is cleaning once.
  let text = path;
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = cleanOnce(text);
  }
  return text;
}

function cleanOnce(path: string): string {
  let text = path.trim().normalize("NFC").replace(/\\/g, "/");
  const unc = /^\/\/[^/]/.test(text);
  text = text.replace(/\/{2,}/g, "/");
  if (unc) text = `/${text}`;
  if (text.length > 1 && !/^[A-Za-z]:\/$/.test(text)) text = text.replace(/\/+$/, "");
  return text;
}

export function isWindowsStyle(clean: string): boolean {
  return /^[A-Za-z]:(\/|$)/.test(clean) || /^\/\/[^/]/.test(clean);
}

/** The key two paths are compared by. */
export function pathKey(path: string): string {
  const clean = cleanPath(path);
  return isWindowsStyle(clean) ? clean.toLowerCase() : clean;
}

interface PrefixRule {
  /** Clean FROM. */
  from: string;
  /** Compare FROM ignoring case (Windows-style). */
  foldCase: boolean;
  to: string;
}

/** Length of `prefix` when the clean `path` is `prefix` or lies below it (whole segments), else -1. */
function coveredLength(path: string, rule: PrefixRule): number {
  const head = path.slice(0, rule.from.length);
  const same = rule.foldCase ? head.toLowerCase() === rule.from.toLowerCase() : head === rule.from;
  if (!same) return -1;
  if (path.length === rule.from.length || rule.from.endsWith("/")) return rule.from.length;
  return path[rule.from.length] === "/" ? rule.from.length : -1;
}

/**
 * Rewrites source paths with `--path-map FROM=TO` prefixes: the longest FROM that covers the
 * path (whole segments: `/media/tv` does not cover `/media/tv2`) is replaced by TO; the rest
 * of the path keeps its case. Paths no FROM covers come back cleaned and otherwise unchanged.
 */
export class PathMapper {
  private readonly rules: PrefixRule[];

  constructor(mappings: readonly Mapping[]) {
    this.rules = mappings
      .map((m) => {
        const from = cleanPath(m.from);
        return { from, foldCase: isWindowsStyle(from), to: cleanPath(m.to) };
      })
      .filter((rule) => rule.from !== "")
      .sort((a, b) => b.from.length - a.from.length);
  }

  /** The clean, rewritten path (case kept), for display. */
  rewrite(path: string): string {
    const clean = cleanPath(path);
    for (const rule of this.rules) {
      const length = coveredLength(clean, rule);
      if (length < 0) continue;
      const rest = clean.slice(length).replace(/^\/+/, "");
      if (rest === "") return rule.to;
      return cleanPath(rule.to.endsWith("/") ? `${rule.to}${rest}` : `${rule.to}/${rest}`);
    }
    return clean;
  }

  /** The comparison key of the rewritten path. */
  map(path: string): string {
    return pathKey(this.rewrite(path));
  }
}
