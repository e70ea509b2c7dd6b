import { createHash } from "node:crypto";
import type { Plan, PlanIntegrity } from "./plan.js";

/**
 * Digests over a plan's canonical JSON (sorted keys, no whitespace; docs/plan-format.md
 * "Integrity"). A saved plan carries them, so `apply` refuses a plan edited after it was
 * written; the executor reuses the per-action ones as journal fingerprints. Each value is
 * made canonical once: the whole plan's text is assembled from the pieces' texts.
 */

/** Text already in canonical form, spliced into a larger canonical text as it is. */
class Canonical {
  constructor(readonly text: string) {}
}

/**
 * JSON with sorted keys and no whitespace, so equal content hashes alike whatever built it.
 * Plain loops: it runs over every action of a plan (100,000 and more) when a plan is saved,
 * read or applied.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (value instanceof Canonical) return value.text;
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      // As Array.join: an element without JSON text (undefined) leaves its place empty.
      out += `${i > 0 ? "," : ""}${canonicalJson(value[i]) ?? ""}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as `<` does.
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** SHA-256 (hex) of a value's canonical JSON. */
export function fingerprint(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** Per-action and per-section digests in the file are this long: enough to notice any edit. */
export const SHORT_DIGEST_LENGTH = 16;

export function short(digest: string): string {
  return digest.slice(0, SHORT_DIGEST_LENGTH);
}

/** What a plan's content hashes to. */
export interface PlanDigests {
  /** SHA-256 of the whole plan's canonical JSON (without `integrity`). */
  digest: string;
  /** Full SHA-256 of each action, in plan order: the journal's action fingerprints. */
  actions: string[];
  /** Short digest of each top-level field other than `actions`. */
  sections: Record<string, string>;
}

/** The fields a digest covers: everything but the integrity block itself. */
export type PlanContent = Record<string, unknown> & { actions: unknown[] };

/** Digests of a plan's content (a Plan, or a plan file's JSON without `integrity`). */
export function digestPlan(content: PlanContent): PlanDigests {
  const actionTexts = content.actions.map(canonicalJson);
  const pieces: Record<string, unknown> = {};
  const sections: Record<string, string> = {};
  for (const [key, value] of Object.entries(content)) {
    if (key === "integrity" || value === undefined) continue;
    if (key === "actions") {
      pieces[key] = new Canonical(`[${actionTexts.join(",")}]`);
      continue;
    }
    const text = canonicalJson(value);
    pieces[key] = new Canonical(text);
    sections[key] = short(sha256(text));
  }
  return { digest: sha256(canonicalJson(pieces)), actions: actionTexts.map(sha256), sections };
}

const known = new WeakMap<Plan, PlanDigests>();

/** A plan's digests, computed once per plan object (when saved, read back, or applied). */
export function planDigests(plan: Plan): PlanDigests {
  let digests = known.get(plan);
  if (digests === undefined) {
    digests = digestPlan(plan);
    known.set(plan, digests);
  }
  return digests;
}

/** Records digests computed from a plan file's own text (see pipeline/plan-file.ts) for its plan. */
export function rememberDigests(plan: Plan, digests: PlanDigests): void {
  known.set(plan, digests);
}

/** The integrity block a saved plan carries. */
export function integrityOf(plan: Plan): PlanIntegrity {
  const digests = planDigests(plan);
  return {
    algorithm: "sha256",
    digest: digests.digest,
    sections: digests.sections,
    actions: Object.fromEntries(plan.actions.map((action, i) => [action.key, short(digests.actions[i]!)])),
  };
}
