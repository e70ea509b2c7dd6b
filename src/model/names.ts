/**
 * The one comparison key for names people type and servers hold: user names, library names,
 * the names in --user-map, --users, --libraries and --library-map. Both targets compare user
 * names case-insensitively (target-apis §3); NFC so a decomposed "Zoë" from one system equals
 * the composed one from another; surrounding spaces never distinguish two names (the targets
 * reject them, and a stray space in a flag is a typing accident, not another person).
 */
export function nameKey(name: string): string {
  return name.normalize("NFC").trim().toLowerCase();
}

/** True when two names denote the same person or library. */
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}
