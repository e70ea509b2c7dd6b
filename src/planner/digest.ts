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

/** An object's keys in canonical order, each with its JSON text and colon. */
interface Shape {
  sorted: readonly string[];
  heads: readonly string[];
}

/**
 * Shapes by their keys in property order. A plan has a few dozen shapes (actions of each
 * type, their user references, values) repeated millions of times: sorting their keys and
 * quoting each once made canonical() about twice as fast. Objects with many or ever-new keys
 * (maps keyed by ids) are not kept.
 */
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 512;
const MAX_SHAPE_KEYS = 32;

function shapeOf(keys: string[]): Shape {
  // Keys are joined by NUL to name the shape; a key holding NUL itself could make two shapes
  // look alike, so such objects are not kept.
  const cacheable = keys.length <= MAX_SHAPE_KEYS && !keys.some((key) => key.includes("\u0000"));
  const id = cacheable ? keys.join("\u0000") : "";
  const known = cacheable ? shapes.get(id) : undefined;
  if (known !== undefined) return known;
  // The default sort compares UTF-16 code units, as `<` does.
  const sorted = keys.sort();
  const shape = { sorted, heads: sorted.map((key) => `${JSON.stringify(key)}:`) };
  if (cacheable && shapes.size < MAX_SHAPES) shapes.set(id, shape);
  return shape;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") {
    lastFixed = true;
    // JSON.stringify's text, without its call for the commonest leaves.
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
    return JSON.stringify(value);
  }
  // Only frozen values are ever kept (see frozenTexts).
  let fixed = Object.isFrozen(value);
  if (fixed) {
    const known = frozenTexts.get(value);
    if (known !== undefined) {
      lastFixed = true;
      return known;
    }
  }
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
    const { sorted, heads } = shapeOf(Object.keys(record));
    out = "{";
    for (let i = 0; i < sorted.length; i++) {
      const item = record[sorted[i]!];
      if (item === undefined) continue;
      out += `${out.length > 1 ? "," : ""}${heads[i]}${canonical(item)}`;
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
  return new PlanDigestStream(content).complete();
}

/**
 * A plan's digests worked out a piece at a time, in plan order (`advance`), so that `apply`
 * can start writing before the last action is hashed: at 3,000 actions the digests took
 * 50–100 ms of a cold start, all before the first write. An action's own digest asked for
 * before its turn (`at`) is made at once; the whole plan's digest is known once every
 * action has had its turn.
 */
export class PlanDigestStream {
  readonly length: number;
  private readonly actions: ActionDigests;
  /** 1 where the action's digest is in `actions` already. */
  private readonly hashed: Uint8Array;
  private readonly sections: Record<string, string> = {};
  private readonly whole = new HashStream();
  /** Canonical text after the actions: the sections whose keys sort after "actions". */
  private readonly tail: string;
  private content: PlanContent | undefined;
  private next = 0;
  private result: PlanDigests | undefined;

  constructor(content: PlanContent) {
    const list: readonly unknown[] = content.actions ?? [];
    this.length = list.length;
    this.actions = new ActionDigests(list.length);
    this.hashed = new Uint8Array(list.length);
    this.content = content;
    const texts = new Map<string, string>();
    for (const [key, value] of Object.entries(content)) {
      if (key === "integrity" || key === "actions" || value === undefined) continue;
      const text = canonicalJson(value);
      texts.set(key, text);
      this.sections[key] = short(sha256(text));
    }
    // canonicalJson's own order: sorted keys, each followed by its text; the actions' text is
    // hashed between `head` and `tail` as it is made.
    const parts: string[] = [];
    let actionsAt = -1;
    for (const key of Object.keys(content).sort()) {
      const text = texts.get(key);
      if (key === "actions" && content.actions !== undefined) {
        actionsAt = parts.length;
        parts.push(`${JSON.stringify(key)}:[`);
      } else if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    if (actionsAt < 0) {
      this.whole.update(`{${parts.join(",")}}`);
      this.tail = "";
    } else {
      this.whole.update(`{${parts.slice(0, actionsAt + 1).join(",")}`);
      this.tail = `]${parts
        .slice(actionsAt + 1)
        .map((part) => `,${part}`)
        .join("")}}`;
    }
  }

  /** The full SHA-256 (hex) of the action at place `i`; undefined outside the plan, as Array.at. */
  at(i: number): string | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    if (this.hashed[i] === 0) {
      this.actions.hashInto(i, canonicalJson(this.content!.actions[i]) ?? "");
      this.hashed[i] = 1;
    }
    return this.actions.at(i);
  }

  /** Hashes actions in plan order for about `budgetMs`; true once all digests are known. */
  advance(budgetMs: number): boolean {
    if (this.result !== undefined) return true;
    const content = this.content!;
    const until = performance.now() + budgetMs;
    while (this.next < this.length) {
      const i = this.next++;
      // As Array.join: an element without JSON text (undefined) leaves its place empty.
      const action = canonicalJson(content.actions[i]) ?? "";
      this.whole.update(i > 0 ? `,${action}` : action);
      if (this.hashed[i] === 0) {
        this.actions.hashInto(i, action);
        this.hashed[i] = 1;
      }
      if ((i & 63) === 63 && performance.now() >= until) return this.next === this.length && this.finish();
    }
    return this.finish();
  }

  /** The digests once known (undefined before). */
  get done(): PlanDigests | undefined {
    return this.result;
  }

  /** Every digest, working out those still missing. */
  complete(): PlanDigests {
    this.advance(Number.POSITIVE_INFINITY);
    return this.result!;
  }

  private finish(): true {
    if (this.result === undefined) {
      this.whole.update(this.tail);
      this.result = { digest: this.whole.digest(), actions: this.actions, sections: this.sections };
      this.content = undefined;
    }
    return true;
  }
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

/**
 * A plan's digests to be worked out as `apply` goes (see PlanDigestStream), or those known
 * already (a plan read from its file). Kept for the plan once complete.
 */
export function planDigestStream(plan: Plan): PlanDigestStream | PlanDigests {
  return known.get(plan) ?? new PlanDigestStream(plan);
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
