import type { Config } from "../config/load.js";
import type { Interaction } from "./interaction.js";
import { recordPlanDecisions, requestObserver } from "./log.js";
import { collectSooner } from "./memory.js";
import { writePlanFile } from "./plan-file.js";
import { type Prepared, preparePlan } from "./prepare.js";
import { connectConfiguredTarget } from "./target.js";

/** Reads both sides and builds the plan; the first step of plan, migrate, verify and demo. */
export async function makePlan(config: Config, interaction: Interaction): Promise<Prepared> {
  const progress = interaction.progress();
  const onResponse = requestObserver(interaction);
  const target = await connectConfiguredTarget(config, interaction);
  // Reading a big library and the target's pages holds the model while turning over much more.
  const restoreCollector = collectSooner();
  try {
    // Only a report looks at the source's states and history after planning.
    const planOnly = config.report === undefined && config.summaryMd === undefined;
    const prepared = await preparePlan(config, target, progress, new Date(), undefined, {
      onResponse,
      planOnly,
    });
    if (interaction.record) recordPlanDecisions(prepared, interaction.record);
    return prepared;
  } finally {
    progress.stop();
    target.close();
    restoreCollector();
  }
}

/** `plan`: the dry run, saved for `apply --plan` when `outFile` is given. */
export async function planMigration(
  config: Config,
  interaction: Interaction,
  outFile: string | null,
): Promise<Prepared> {
  const prepared = await makePlan(config, interaction);
  if (outFile) writePlanFile(outFile, prepared.plan);
  return prepared;
}
