import type { Config } from "../config/load.js";
import type { ApplyResult } from "../executor/index.js";
import type { Plan } from "../planner/index.js";
import { type ApplyEvents, executePlan } from "./apply.js";
import type { Interaction } from "./interaction.js";
import { makePlan } from "./plan.js";
import type { Prepared } from "./prepare.js";

export type Migration =
  /** A dry run, or a person who declined: what the plan read and made. */
  | { plan: Plan; prepared: Prepared; applied: false }
  | {
      plan: Plan;
      /**
       * What the plan read of both sides, kept through the apply only when a report or summary
       * asked for it (--report, --summary-md); otherwise null, released before applying.
       */
      prepared: Prepared | null;
      applied: true;
      /** null when the person declined to apply. */
      result: ApplyResult | null;
    };

/**
 * `migrate`: plan, then apply the plan just made. `planned` hears of the plan before anything
 * is written, so the person can read it before being asked.
 */
export async function migrate(
  config: Config,
  interaction: Interaction,
  options: { dryRun: boolean; cwd: string; events?: ApplyEvents; planned(prepared: Prepared): void },
): Promise<Migration> {
  const prepared = await makePlan(config, interaction);
  options.planned(prepared);
  if (options.dryRun) return { plan: prepared.plan, prepared, applied: false };
  // The source read and the target's index and state are most of a big plan's memory (the Plex
  // history of 200,000 items × 50 people is about a gigabyte as objects) and the apply, which
  // can last hours, needs none of them: only a report looks at them again (issue 14, scale).
  const kept = config.report !== undefined || config.summaryMd !== undefined ? prepared : null;
  return applyPlanOf(prepared.plan, kept, config, interaction, options);
}

/** A separate frame, so nothing but `kept` holds on to what the plan read while it applies. */
async function applyPlanOf(
  plan: Plan,
  kept: Prepared | null,
  config: Config,
  interaction: Interaction,
  options: { cwd: string; events?: ApplyEvents },
): Promise<Migration> {
  const result = await executePlan(plan, config, interaction, options.cwd, options.events);
  return { plan, prepared: kept, applied: true, result };
}
