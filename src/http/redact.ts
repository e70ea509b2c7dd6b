/**
 * Removes credentials from text about a request, whatever shape they take: the MediaBrowser
 * Authorization header's `Token="…"`, `api_key=`/`ApiKey=` query parameters, an
 * `X-Emby-Token` header, and any literal secret the caller registered.
 */
export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/(Token=")[^"]*(")/gi, "$1***$2")
    .replace(/\b(api_?key=)[^&\s"']*/gi, "$1***")
    .replace(/(X-(?:Emby|MediaBrowser)-Token["']?\s*[:=]\s*["']?)[^"',\s}]*/gi, "$1***");
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join("***");
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join("***");
  }
  return out;
}
