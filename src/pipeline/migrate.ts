import type { Config } from "../config/load.js";
import type { ApplyResult } from "../executor/index.js";
import type { Plan } from "../planner/index.js";
import { type ApplyEvents, executePlan } from "./apply.js";
import type { Interaction } from "./interaction.js";
import { collectSooner } from "./memory.js";
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
  options: { dryRun: boolean; cwd: string; events?: ApplyEvents; planned(prepared: Prepared): void },
): Promise<Migration> {
  // From the big reads through the plan's digests and journal at the start of the apply, a
  // big migration turns over much more than it keeps (memory.ts).
  const restoreCollector = collectSooner();
  try {
    const made = await planned(config, interaction, options);
    if (!("kept" in made)) return made;
    const result = await executePlan(made.plan, config, interaction, options.cwd, options.events);
    return { plan: made.plan, prepared: made.kept, applied: true, result };
  } finally {
    restoreCollector();
  }
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
  options: { dryRun: boolean; planned(prepared: Prepared): void },
): Promise<Migration | { plan: Plan; kept: Prepared | null }> {
  const prepared = await makePlan(config, interaction);
  options.planned(prepared);
  if (options.dryRun) return { plan: prepared.plan, prepared, applied: false };
  const keep = config.report !== undefined || config.summaryMd !== undefined;
  return { plan: prepared.plan, kept: keep ? prepared : null };
}
