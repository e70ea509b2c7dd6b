import type { Config } from "../config/load.js";
import { type DriftEntry, findDrift } from "../planner/index.js";
import type { Interaction } from "./interaction.js";
import { makePlan } from "./plan.js";
import type { Prepared } from "./prepare.js";

/**
 * `verify` reads both sides again and plans anew: whatever the new plan would still change
 * is drift — an item, playlist, collection or user on the target that disagrees with what
 * the migration should have produced.
 */
export async function verifyTarget(
  config: Config,
  interaction: Interaction,
): Promise<{ prepared: Prepared; drift: DriftEntry[] }> {
  const prepared = await makePlan(config, interaction);
  return { prepared, drift: findDrift(prepared.plan) };
}
