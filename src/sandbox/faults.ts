/**
 * Seeded, reproducible fault injection: the same seed and the same request sequence give the
 * same faults. Rates are probabilities per request (0–1).
 */
export interface FaultOptions {
  seed?: number;
  /**
   * How long after its arrival a request is answered (the sandbox's own handling included):
   * fixed, or [min, max] drawn per request. Never earlier; later only when the handling itself
   * takes longer, or the machine is too busy to keep time.
   */
  latencyMs?: number | [number, number];
  /** Share of requests answered 503 with Retry-After. */
  error503Rate?: number;
  /** Retry-After value of injected 503s (seconds; default 1). */
  retryAfterSeconds?: number;
  /** Share of requests whose socket is destroyed without an answer. */
  resetRate?: number;
  /** Share of requests never answered. */
  hangRate?: number;
  /** Faults hit only writes (POST/DELETE); reads pass. */
  onlyWrites?: boolean;
  /** After this many (eligible) requests, every further eligible request gets a 503. */
  failAfterRequests?: number;
  /** Faults aimed at exact requests, whatever the rates and `onlyWrites` say. */
  aimed?: AimedFault[];
}

/**
 * A fault aimed at the `nth` request that matches `method` and `path` (and the `times - 1`
 * matching ones after it), e.g. the password write after a user creation, and only that.
 */
export interface AimedFault {
  method: string;
  /** The request path as sent (with any base path); a RegExp for paths that hold ids. */
  path: string | RegExp;
  /** Which matching request is hit first, from 1 (default 1). */
  nth?: number;
  /** How many matching requests in a row are hit (default 1; Infinity for every later one). */
  times?: number;
  action: Exclude<FaultAction, "none">;
}

export type FaultAction = "none" | "503" | "reset" | "hang";

export interface FaultDecision {
  /** How long after the request arrived its answer (or reset) is due. */
  delayMs: number;
  action: FaultAction;
}

export interface FaultController {
  /** Current settings (a copy). */
  readonly options: FaultOptions;
  /** Merges new settings; a new seed restarts the random sequence. */
  set(options: FaultOptions): void;
  /** No faults from now on. */
  clear(): void;
}

/** mulberry32: tiny, fast, good enough for reproducible test faults. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults implements FaultController {
  private settings: FaultOptions;
  private random: () => number;
  private eligibleSeen = 0;
  /** Matching requests seen so far, per aimed fault. */
  private aimedSeen: number[] = [];

  constructor(options: FaultOptions = {}) {
    this.settings = { ...options };
    this.random = rng(options.seed ?? 1);
  }

  get options(): FaultOptions {
    return { ...this.settings };
  }

  set(options: FaultOptions): void {
    this.settings = { ...this.settings, ...options };
    if (options.seed !== undefined) this.random = rng(options.seed);
    if (options.failAfterRequests !== undefined) this.eligibleSeen = 0;
    if (options.aimed !== undefined) this.aimedSeen = [];
  }

  clear(): void {
    this.settings = { seed: this.settings.seed ?? 1 };
    this.eligibleSeen = 0;
    this.aimedSeen = [];
  }

  get retryAfterSeconds(): number {
    return this.settings.retryAfterSeconds ?? 1;
  }

  /** The first aimed fault this request is the target of, if any (every match is counted). */
  private aimedAt(method: string, path: string): FaultAction | undefined {
    let hit: FaultAction | undefined;
    for (const [i, fault] of (this.settings.aimed ?? []).entries()) {
      const matches =
        fault.method.toUpperCase() === method &&
        (typeof fault.path === "string" ? fault.path === path : fault.path.test(path));
      if (!matches) continue;
      const seen = (this.aimedSeen[i] ?? 0) + 1;
      this.aimedSeen[i] = seen;
      const first = fault.nth ?? 1;
      if (hit === undefined && seen >= first && seen < first + (fault.times ?? 1)) hit = fault.action;
    }
    return hit;
  }

  decide(method: string, path = ""): FaultDecision {
    const s = this.settings;
    const aimed = this.aimedAt(method, path);
    if (aimed !== undefined) return { delayMs: 0, action: aimed };
    if (s.onlyWrites && method === "GET") return { delayMs: 0, action: "none" };
    let delayMs = 0;
    if (typeof s.latencyMs === "number") delayMs = s.latencyMs;
    else if (Array.isArray(s.latencyMs)) {
      const [min, max] = s.latencyMs;
      delayMs = Math.round(min + this.random() * (max - min));
    }
    this.eligibleSeen++;
    if (s.failAfterRequests !== undefined && this.eligibleSeen > s.failAfterRequests)
      return { delayMs, action: "503" };
    // One draw per request keeps the sequence reproducible whatever the rates are.
    const roll = this.random();
    let edge = 0;
    for (const [action, rate] of [
      ["hang", s.hangRate],
      ["reset", s.resetRate],
      ["503", s.error503Rate],
    ] as const) {
      edge += rate ?? 0;
      if (roll < edge) return { delayMs, action };
    }
    return { delayMs, action: "none" };
  }
}
