import type { Config } from "../config/load.js";
import type { ApplyResult } from "../executor/index.js";
import type { Plan } from "../planner/index.js";
import { type ApplyEvents, executePlan } from "./apply.js";
import type { Interaction } from "./interaction.js";
import { whileCollectingSooner } from "./memory.js";
import { makePlan } from "./plan.js";
import type { Prepared } from "./prepare.js";

export type Migration =
  /** A dry run: what the plan read and made. */
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
  options: { dryRun: boolean; cwd: string; events?: ApplyEvents; planned(plan: Plan): void },
): Promise<Migration> {
  // From the big reads through the plan's digests and journal at the start of the apply, a
  // big migration turns over much more than it keeps (memory.ts).
  return whileCollectingSooner(async () => {
    const made = await planned(config, interaction, options);
    if (!("kept" in made)) return made;
    const result = await executePlan(made.plan, config, interaction, options.cwd, options.events);
    return { plan: made.plan, prepared: made.kept, applied: true, result };
  });
}

/**
 * The plan, and what to keep of its reads while applying. A separate frame, so that nothing
 * but `kept` holds on to them: the source read and the target's index and state are most of a
 * big plan's memory (the Plex history of 200,000 items × 50 people is about a gigabyte as
 * objects), and the apply, which can last hours, needs none of them; only a report looks at
 * them again (issue 14, scale).
 */
async function planned(
  config: Config,
  interaction: Interaction,
  options: { dryRun: boolean; planned(plan: Plan): void },
): Promise<Migration | { plan: Plan; kept: Prepared | null }> {
  let prepared: Prepared | null = await makePlan(config, interaction);
  const { plan } = prepared;
  if (options.dryRun) {
    options.planned(plan);
    return { plan, prepared, applied: false };
  }
  // Released before the plan is shown: showing a big plan makes its actions one by one, and
  // that garbage came on top of the reads at the peak of the run.
  if (config.report === undefined && config.summaryMd === undefined) prepared = null;
  options.planned(plan);
  return { plan, kept: prepared };
}
