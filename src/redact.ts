/**
 * Keeps secrets out of every line plexodus prints or writes. Secrets are registered as soon
 * as configuration is loaded; anything that renders text passes it through `redact`.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; real tokens are long.
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join("***");
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join("***");
    }
    return out;
  }
}
