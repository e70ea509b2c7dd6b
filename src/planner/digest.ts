import { createHash, hash } from "node:crypto";
import type { Plan, PlanIntegrity } from "./plan.js";

/**
 * Digests over a plan's canonical JSON (sorted keys, no whitespace; docs/plan-format.md
 * "Integrity"). A saved plan carries them, so `apply` refuses a plan edited after it was
 * written; the executor reuses the per-action ones as journal fingerprints. Each value is
 * made canonical once, and the whole plan's text is hashed piece by piece, never assembled.
 */

/**
 * JSON with sorted keys and no whitespace, so equal content hashes alike whatever built it.
 * Plain loops: it runs over every action of a plan (millions) when a plan is saved, read or
 * applied.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value);
}

/**
 * The canonical text of frozen values whose content is all frozen or plain: they cannot
 * change, and the planner shares them between actions (one user reference per user, one
 * `before` for every item a new user has no data for, one `sourceItemKeys` list per item).
 */
const frozenTexts = new WeakMap<object, string>();

/** Whether the value canonical() made text of last can never change (see frozenTexts). */
let lastFixed = true;

function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") {
    lastFixed = true;
    return JSON.stringify(value);
  }
  const known = frozenTexts.get(value);
  if (known !== undefined) {
    lastFixed = true;
    return known;
  }
  let fixed = Object.isFrozen(value);
  let out: string;
  if (Array.isArray(value)) {
    out = "[";
    for (let i = 0; i < value.length; i++) {
      // As Array.join: an element without JSON text (undefined) leaves its place empty.
      out += `${i > 0 ? "," : ""}${canonical(value[i]) ?? ""}`;
      fixed &&= lastFixed;
    }
    out += "]";
  } else {
    const record = value as Record<string, unknown>;
    // The default sort compares UTF-16 code units, as `<` does.
    const keys = Object.keys(record).sort();
    out = "{";
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${canonical(item)}`;
      fixed &&= lastFixed;
    }
    out += "}";
  }
  if (fixed) frozenTexts.set(value, out);
  lastFixed = fixed;
  return out;
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

/**
 * The full SHA-256 of each action, in plan order: the journal's action fingerprints. Kept as
 * 32 bytes each and written as hex when asked: two million 64-character strings took about
 * 140 MB more, held through the whole apply (issue 14, scale).
 */
export class ActionDigests {
  private readonly bytes: Uint8Array;

  constructor(readonly length: number) {
    this.bytes = new Uint8Array(length * 32);
  }

  /** Hashes one action's canonical text into place `i`. */
  hashInto(i: number, text: string): void {
    this.bytes.set(hash("sha256", text, "buffer"), i * 32);
  }

  /** The hex digest at place `i` (as sha256() gives it); undefined outside the plan, as Array.at. */
  at(i: number): string | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + i * 32, 32).toString("hex");
  }
}

/** What a plan's content hashes to. */
export interface PlanDigests {
  /** SHA-256 of the whole plan's canonical JSON (without `integrity`). */
  digest: string;
  /** Full SHA-256 of each action, in plan order: the journal's action fingerprints. */
  actions: ActionDigests;
  /** Short digest of each top-level field other than `actions`. */
  sections: Record<string, string>;
}

/** The fields a digest covers: everything but the integrity block itself. */
export type PlanContent = Record<string, unknown> & { actions: unknown[] };

/** The hash updates of one text, gathered into large pieces: millions of small updates cost more. */
class HashStream {
  private readonly hash = createHash("sha256");
  private pending = "";

  update(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 20) this.flush();
  }

  digest(): string {
    this.flush();
    return this.hash.digest("hex");
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending);
    this.pending = "";
  }
}

/**
 * Digests of a plan's content (a Plan, or a plan file's JSON without `integrity`). The whole
 * plan's canonical text is hashed as it is produced, action by action, and never held: a plan
 * of millions of actions would need gigabytes for it. The bytes hashed are those of the
 * canonical JSON of the content with every action in place.
 */
export function digestPlan(content: PlanContent): PlanDigests {
  const texts = new Map<string, string>();
  const sections: Record<string, string> = {};
  for (const [key, value] of Object.entries(content)) {
    if (key === "integrity" || key === "actions" || value === undefined) continue;
    const text = canonicalJson(value);
    texts.set(key, text);
    sections[key] = short(sha256(text));
  }
  const actions = new ActionDigests(content.actions.length);
  const whole = new HashStream();
  let first = true;
  // canonicalJson's own order: sorted keys, each followed by its text.
  for (const key of Object.keys(content).sort()) {
    const isActions = key === "actions" && content.actions !== undefined;
    const text = texts.get(key);
    if (!isActions && text === undefined) continue;
    whole.update(`${first ? "{" : ","}${JSON.stringify(key)}:`);
    first = false;
    if (!isActions) {
      whole.update(text!);
      continue;
    }
    whole.update("[");
    for (let i = 0; i < content.actions.length; i++) {
      // As Array.join: an element without JSON text (undefined) leaves its place empty.
      const action = canonicalJson(content.actions[i]) ?? "";
      whole.update(i > 0 ? `,${action}` : action);
      actions.hashInto(i, action);
    }
    whole.update("]");
  }
  whole.update(first ? "{}" : "}");
  return { digest: whole.digest(), actions, sections };
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
    actions: Object.fromEntries(plan.actions.map((action, i) => [action.key, short(digests.actions.at(i)!)])),
  };
}
