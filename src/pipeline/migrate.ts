import type { Config } from "../config/load.js";
import type { ApplyResult } from "../executor/index.js";
import { type ApplyEvents, executePlan } from "./apply.js";
import type { Interaction } from "./interaction.js";
import { makePlan } from "./plan.js";
import type { Prepared } from "./prepare.js";

export interface Migration {
  prepared: Prepared;
  /** Absent after a dry run; null when the person declined to apply. */
  result?: ApplyResult | null;
}

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
  if (options.dryRun) return { prepared };
  const result = await executePlan(prepared.plan, config, interaction, options.cwd, options.events);
  return { prepared, result };
}
