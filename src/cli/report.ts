import { EXIT_OK } from "../errors.js";
import type { ApplyResult, RollbackResult } from "../executor/index.js";
import type { ApplyEvents } from "../pipeline/apply.js";
import type { Plan } from "../planner/index.js";
import type { CommandContext } from "./context.js";
import { applyDocument, renderApplyResult, resumeLine } from "./render/apply.js";
import { whatMoved } from "./render/report/index.js";

/** Above the per-person result of every apply: only what the target confirmed counts. */
export const WHAT_MOVED_HEADING = "What moved, per person (confirmed by the target):";

/**
 * Exit code of a finished apply or rollback: 1 when anything is left to do (failed, conflict,
 * interrupted, not started), so a script knows to run it again.
 */
export function runExitCode(result: ApplyResult | RollbackResult): number {
  return result.failed > 0 || result.conflicted > 0 || result.interrupted || result.notStarted > 0
    ? 1
    : EXIT_OK;
}

/**
 * Prints the outcome of an apply (JSON or text) and returns its exit code; shared by apply,
 * migrate and demo. `extra` adds command-specific fields to the JSON document.
 */
export function reportApply(
  ctx: CommandContext,
  plan: Plan,
  result: ApplyResult | null,
  extra: object = {},
): number {
  if (result === null) {
    ctx.warn("Nothing was applied.");
    return 1;
  }
  if (ctx.globals.json) ctx.printJson({ ...extra, ...applyDocument(plan, result) });
  else ctx.say(`${renderApplyResult(plan, result)}\n\n${WHAT_MOVED_HEADING}\n${whatMoved(plan, result)}`);
  return runExitCode(result);
}

/** What apply and migrate say while a run goes: a resumed run is announced before it applies. */
export function applyEvents(ctx: CommandContext): ApplyEvents {
  return {
    started({ resume, journalPath }) {
      if (resume !== null) ctx.say(resumeLine(resume, journalPath));
    },
  };
}
