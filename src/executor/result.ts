import { resolve } from "node:path";
import type { Action } from "../planner/plan.js";
import type { Outcome, RunContext } from "./context.js";

/** An action that did not reach its wanted state, for the report. Never holds a secret. */
export interface ActionIssue {
  key: string;
  type: Action["type"];
  title: string;
  reason: string;
}

/** What the journal already held of this plan when the run began (a rerun). */
export interface ResumeState {
  /** Actions of this plan the journal holds as done: skipped without a request. */
  done: number;
  /** Actions still to check and apply. */
  remaining: number;
}

export interface ApplyResult {
  applied: number;
  alreadyDone: number;
  conflicted: number;
  failed: number;
  skipped: number;
  /** Actions not attempted because the run was interrupted or stopped. */
  notStarted: number;
  /** Their keys, so a report can say per category what is still to do. */
  notStartedKeys: string[];
  conflicts: ActionIssue[];
  failures: ActionIssue[];
  skips: ActionIssue[];
  writesSent: number;
  durationMs: number;
  interrupted: boolean;
  /** Passes after the first over actions that had failed transiently. */
  retryPasses: number;
  /** Null when the journal held nothing of this plan (a first run). */
  resume: ResumeState | null;
  /**
   * Users an earlier run created but left without a password, which this plan does not
   * create: this run set their passwords (a failure to do so is among `failures`).
   */
  passwordsSet: string[];
  /** Path of the credentials file when this run wrote passwords to it. */
  credentialsFile: string | null;
  journalPath: string;
  /** How each action ended: reports tell per person what was confirmed. */
  outcomes: ActionOutcomes;
}

/** How each action of the plan applied ended. */
export interface ActionOutcomes {
  /** By the action's place in the plan's actions: what the run's own output walks. */
  at(place: number): Outcome["kind"];
  /**
   * By the action's key; the lookup is built on first use. Only reports and --log look actions
   * up by key, and a map of millions of keys is memory and time a plain run does not need.
   */
  get(key: string): Outcome["kind"] | undefined;
}

function actionOutcomes(actions: readonly Action[], kinds: readonly Outcome["kind"][]): ActionOutcomes {
  let byKey: Map<string, Outcome["kind"]> | undefined;
  return {
    at: (place) => kinds[place] ?? "not-started",
    get(key) {
      if (byKey === undefined) {
        byKey = new Map();
        for (let i = 0; i < actions.length; i++) byKey.set(actions[i]!.key, kinds[i]!);
      }
      return byKey.get(key);
    },
  };
}

export function titleOf(action: Action): string {
  return action.type === "create-user" ? action.user.name : action.title;
}

const NOT_STARTED: Outcome = { kind: "not-started" };

/** The run's outcome, counted per action from the last outcome each action had. */
export function summarize(
  actions: readonly Action[],
  /** The last outcome of each action, by its place in `actions`. */
  outcomes: ReadonlyArray<Outcome | undefined>,
  run: {
    ctx: RunContext;
    started: number;
    retryPasses: number;
    resume: ResumeState | null;
    earlier: { finished: string[]; failures: ActionIssue[] };
    credentialsFile: string | null;
  },
): ApplyResult {
  const { ctx } = run;
  const kinds: Outcome["kind"][] = [];
  const result: ApplyResult = {
    applied: 0,
    alreadyDone: 0,
    conflicted: 0,
    failed: run.earlier.failures.length,
    skipped: 0,
    notStarted: 0,
    notStartedKeys: [],
    conflicts: [],
    failures: [...run.earlier.failures],
    skips: [],
    writesSent: ctx.writesSent,
    durationMs: Date.now() - run.started,
    interrupted: ctx.interrupted,
    retryPasses: run.retryPasses,
    resume: run.resume,
    passwordsSet: run.earlier.finished,
    credentialsFile: run.credentialsFile === null ? null : resolve(run.credentialsFile),
    journalPath: resolve(ctx.journal.path),
    outcomes: actionOutcomes(actions, kinds),
  };
  for (let i = 0; i < actions.length; i++) {
    const outcome = outcomes[i] ?? NOT_STARTED;
    kinds.push(outcome.kind);
    // Counted without making the action: a big plan's are mostly packed (planner/packed.ts).
    if (outcome.kind === "applied") {
      result.applied += 1;
      continue;
    }
    if (outcome.kind === "already-done") {
      result.alreadyDone += 1;
      continue;
    }
    const action = actions[i]!;
    const issue = (reason: string): ActionIssue => ({
      key: action.key,
      type: action.type,
      title: titleOf(action),
      reason,
    });
    switch (outcome.kind) {
      case "conflict":
        result.conflicted += 1;
        result.conflicts.push(issue(outcome.reason));
        break;
      case "failed":
        result.failed += 1;
        result.failures.push(issue(outcome.reason));
        break;
      case "skipped":
        result.skipped += 1;
        result.skips.push(issue(outcome.reason));
        break;
      case "not-started":
        result.notStarted += 1;
        result.notStartedKeys.push(action.key);
        break;
    }
  }
  return result;
}
