/**
 * One value of a metadata_items `extra_data` column: JSON since PMS 1.40 (with a `url` copy of
 * every value), URL-encoded before. undefined when the key is absent or the text unreadable.
 */
export function extraDataValue(extraData: string | null, key: string): string | undefined {
  if (!extraData) return undefined;
  const text = extraData.trim();
  if (text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const value = parsed[key];
      return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
    } catch {
      return undefined;
    }
  }
  for (const pair of text.split("&")) {
    const [k = "", v = ""] = pair.split("=");
    try {
      if (decodeURIComponent(k) === key) return decodeURIComponent(v.replace(/\+/g, " "));
    } catch {
      // a malformed pair is not the one we want
    }
  }
  return undefined;
}
