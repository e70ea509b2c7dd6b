/**
 * Title comparison for the weak title + year rule (SEMANTICS §2 rule 4): case folded, accents
 * removed (NFKD, then combining marks dropped), a leading article dropped, punctuation and
 * symbols removed, runs of spaces collapsed.
 */

/** Articles dropped from the start of a title, when something follows them. */
const LEADING_ARTICLE = /^(?:(?:the|a|an|le|la|les|der|die|das|el|los|las)\s+|l['’‘`´](?=\S))/u;

export function normalizeTitle(title: string): string {
  // Upper-then-lower folds more than lower alone ("ß" → "ss").
  const folded = title.normalize("NFKD").replace(/\p{M}/gu, "").toUpperCase().toLowerCase().trim();
  const withoutArticle = folded.replace(LEADING_ARTICLE, "");
  const stripped = withoutArticle
    .replace(/[\p{P}\p{S}]/gu, "")
    .replace(/\s+/gu, " ")
    .trim();
  // A title that is only an article ("The") or only punctuation keeps what it had.
  if (stripped !== "") return stripped;
  return folded
    .replace(/[\p{P}\p{S}]/gu, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/** Key of the title + year index; null when either side cannot take part. */
export function titleYearKey(title: string, year: number | null): string | null {
  if (year === null) return null;
  const normalized = normalizeTitle(title);
  if (normalized === "") return null;
  return `${year}\u0000${normalized}`;
}
