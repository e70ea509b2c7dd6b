import { join, resolve } from "node:path";
import type { Config } from "../config/load.js";
import { type ApplyResult, applyPlan, type ResumeState } from "../executor/index.js";
import type { Plan } from "../planner/index.js";
import type { Interaction } from "./interaction.js";
import { recordOutcomes } from "./log.js";
import { collectSooner } from "./memory.js";
import { connectConfiguredTarget } from "./target.js";

/** Steps of a run the person should hear of as they happen. */
export interface ApplyEvents {
  /** The journal is open and nothing is applied yet; `resume` when it holds part of this plan. */
  started?(start: { resume: ResumeState | null; journalPath: string }): void;
}

/**
 * Executes a plan against the configured target with the journal, progress and interrupt
 * handling; `apply`, `migrate` and `demo` end here. Returns null when the person declined.
 * Relative journal and credentials paths are taken from `cwd`.
 */
export async function executePlan(
  plan: Plan,
  config: Config,
  interaction: Interaction,
  cwd: string,
  events: ApplyEvents = {},
): Promise<ApplyResult | null> {
  const target = await connectConfiguredTarget(config, interaction);
  const progress = interaction.progress();
  const interrupt = interaction.interrupt();
  // A big plan's digests and journal rows are made at the start and mostly thrown away (memory.ts).
  const restoreCollector = collectSooner();
  try {
    if (plan.actions.length > 0) {
      if (!(await interaction.confirm({ kind: "apply", plan, target: target.info }))) return null;
    }
    const journalPath = journalPathFor(config, cwd, target.info.serverId);
    const result = await applyPlan(plan, target, {
      journalPath,
      concurrency: config.concurrency,
      retryPasses: config.retries,
      retryTimeMs: config.retryTime === undefined ? undefined : config.retryTime * 1000,
      onStart: ({ resume }) => events.started?.({ resume, journalPath }),
      credentialsFile: credentialsPathFor(config, cwd),
      progress,
      signal: interrupt.signal,
    });
    if (interaction.record) recordOutcomes(plan, result, interaction.record);
    return result;
  } finally {
    restoreCollector();
    interrupt.dispose();
    progress.stop();
    target.close();
  }
}

/** Default journal: one per target server in the current folder, so a rerun finds it. */
export function journalPathFor(config: Config, cwd: string, serverId: string): string {
  return config.journal ? resolve(cwd, config.journal) : join(cwd, `plexodus-${serverId}.journal`);
}

export function credentialsPathFor(config: Config, cwd: string): string {
  return resolve(cwd, config.credentialsFile ?? "plexodus-credentials.txt");
}
