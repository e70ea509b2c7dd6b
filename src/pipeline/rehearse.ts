import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../config/load.js";
import type { ApplyResult } from "../executor/index.js";
import type { Snapshot, TargetKind, TargetServerInfo } from "../model/index.js";
import { type DriftEntry, findDrift, type Plan } from "../planner/index.js";
import {
  closestVersion,
  type Sandbox,
  type SandboxLibrary,
  type SandboxState,
  snapshotLibrary,
  startSandbox,
} from "../sandbox/index.js";
import { executePlan } from "./apply.js";
import type { Interaction } from "./interaction.js";
import { whileCollectingSooner } from "./memory.js";
import { type Prepared, preparePlan } from "./prepare.js";
import { type RehearsalOutcome, rehearsalOutcome } from "./rehearsal-outcome.js";
import {
  connectReadOnly,
  ReadOnlyGuard,
  rehearsalSnapshot,
  type SnapshotCounts,
  snapshotCounts,
} from "./snapshot.js";
import { readSource } from "./source.js";
import { connectConfiguredTarget } from "./target.js";

/** Each step of a rehearsal as it happens, so the person can follow along. */
export type RehearsalEvent =
  | { type: "read"; target: TargetServerInfo; reads: number; counts: SnapshotCounts }
  | { type: "sandbox"; kind: string; version: string }
  | { type: "applying"; plan: Plan }
  | { type: "verifying" };

/** A difference between the plan made against the real target and the one made in the copy. */
export interface PlanMismatch {
  /** Which plan has the action. */
  only: "real" | "sandbox";
  key: string;
  title: string;
}

export interface Rehearsal {
  /** The real target, as it identified itself. */
  target: TargetServerInfo;
  /** The sandbox personality that played it. */
  sandbox: { kind: string; version: string };
  /** Requests sent to the real target: every one a read (GET); nothing else was sent. */
  reads: number;
  counts: SnapshotCounts;
  /** The plan made against the copy, which the rehearsal applied. */
  plan: Plan;
  /** What applying it in the copy gave; null only if it was not started. */
  result: ApplyResult | null;
  /** What a verify after the rehearsed run found still to do. */
  drift: DriftEntry[];
  /** Actions on which the plans against the real target and against the copy differ (none expected). */
  mismatches: PlanMismatch[];
  outcome: RehearsalOutcome;
  /**
   * What was read of Plex and of the real target, and the plan made against it: kept only when
   * a report or summary was asked for (--report, --summary-md), since a big target's state is large.
   */
  real: Prepared | null;
}

/**
 * `rehearse`: the whole migration against a private copy of the real target. The target is
 * read read-only (the same reads as `plan`, each checked to be a GET before it leaves), the
 * copy is loaded into an in-process sandbox of the same kind and version, and plan → apply
 * (the real executor, journal in a temporary folder) → verify run there. The copy and the
 * folder are gone afterwards; created users' passwords never leave it.
 *
 * Memory: what was read of the real target is dropped once the copy holds it (each step is a
 * function of its own, so nothing it read stays reachable from a suspended caller's frame);
 * the Plex source, the copy and one plan's reads of it are what a rehearsal holds, and the
 * collector runs sooner meanwhile (memory.ts).
 */
export async function rehearse(
  config: Config,
  interaction: Interaction,
  report: (event: RehearsalEvent) => void,
): Promise<Rehearsal> {
  return whileCollectingSooner(() => rehearseIn(config, interaction, report));
}

async function rehearseIn(
  config: Config,
  interaction: Interaction,
  report: (event: RehearsalEvent) => void,
): Promise<Rehearsal> {
  const guard = new ReadOnlyGuard();
  const copyOf = await startCopy(config, interaction, guard, report);
  const { box, target, sandbox, counts, source } = copyOf;
  const folder = mkdtempSync(join(tmpdir(), "plexodus-rehearsal-"));
  try {
    const copy: Config = {
      ...config,
      targetUrl: box.url,
      targetApiKey: box.apiKey,
      targetKind: sandbox.kind,
      caFile: undefined,
      insecure: false,
      journal: join(folder, "rehearsal.journal"),
      credentialsFile: join(folder, "credentials.txt"),
    };
    const before = box.dump();
    const { plan, result } = await applyInCopy(copy, interaction, source, folder, report);
    report({ type: "verifying" });
    const drift = await verifyCopy(copy, interaction, source);
    const after: SandboxState = box.dump();
    return {
      target,
      sandbox,
      reads: guard.reads,
      counts,
      plan,
      result,
      drift,
      mismatches: compareActions(copyOf.realActions, plan),
      outcome: rehearsalOutcome(before, after, plan, (id) => box.describe(id)),
      real: copyOf.real,
    };
  } finally {
    await box.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** An action of the plan against the real target, as the comparison with the copy's plan needs it. */
interface ActionKey {
  key: string;
  title: string;
}

/** What a rehearsal keeps of the real target once the copy is running. */
interface CopyStarted {
  box: Sandbox;
  target: TargetServerInfo;
  sandbox: { kind: TargetKind; version: string };
  counts: SnapshotCounts;
  /** The Plex source, read once: the copy is planned and verified from it. */
  source: Snapshot;
  realActions: ActionKey[];
  real: Prepared | null;
}

/**
 * Reads the real target and starts the copy. Nothing of the read but what the rehearsal
 * reports is returned: the target's index, state and the snapshot's library tree become
 * garbage as soon as the copy's store holds them.
 */
async function startCopy(
  config: Config,
  interaction: Interaction,
  guard: ReadOnlyGuard,
  report: (event: RehearsalEvent) => void,
): Promise<CopyStarted> {
  const read = await readReal(config, interaction, guard);
  const counts = snapshotCounts(read.library);
  report({ type: "read", target: read.target, reads: guard.reads, counts });
  const kind = read.target.kind;
  const version = closestVersion(kind, read.target.version);
  const box = await startSandbox({
    kind,
    version,
    library: read.library,
    apiKey: randomBytes(16).toString("hex"),
    validate: false,
  });
  report({ type: "sandbox", kind, version });
  return {
    box,
    target: read.target,
    sandbox: { kind, version },
    counts,
    source: read.source,
    realActions: read.realActions,
    real: read.real,
  };
}

/**
 * The read-only part: the Plex source, the plan against the real target, and the snapshot of
 * what that plan looked at as a sandbox library. The plan's data (index, state, matches) is
 * kept only when a report or summary was asked for (--report, --summary-md).
 */
async function readReal(
  config: Config,
  interaction: Interaction,
  guard: ReadOnlyGuard,
): Promise<{
  target: TargetServerInfo;
  source: Snapshot;
  library: SandboxLibrary;
  realActions: ActionKey[];
  real: Prepared | null;
}> {
  const progress = interaction.progress();
  try {
    const real = await connectReadOnly(config, interaction, guard);
    try {
      const source = await readSource(config, progress);
      const prepared = await preparePlan(config, real, progress, new Date(), source);
      return {
        target: real.info,
        source,
        library: snapshotLibrary(rehearsalSnapshot(prepared, config, real.info)),
        realActions: prepared.plan.actions.map((action) => ({
          key: action.key,
          title: action.type === "create-user" ? action.user.name : action.title,
        })),
        real: config.report !== undefined || config.summaryMd !== undefined ? prepared : null,
      };
    } finally {
      real.close();
    }
  } finally {
    progress.stop();
  }
}

/**
 * Plans against the copy and applies that plan there the way `apply` does (the real executor,
 * its retry passes and counting); nothing is asked, as nothing real is written.
 */
async function applyInCopy(
  copy: Config,
  interaction: Interaction,
  source: Snapshot,
  folder: string,
  report: (event: RehearsalEvent) => void,
): Promise<{ plan: Plan; result: ApplyResult | null }> {
  const target = await connectConfiguredTarget(copy, interaction);
  const progress = interaction.progress();
  let plan: Plan;
  try {
    plan = (await preparePlan(copy, target, progress, new Date(), source)).plan;
  } finally {
    progress.stop();
    target.close();
  }
  report({ type: "applying", plan });
  const nothingToAsk: Interaction = { ...interaction, confirm: async () => true };
  const result = await executePlan(plan, copy, nothingToAsk, folder);
  return { plan, result };
}

/** `verify` in the copy: whatever a fresh plan would still change is drift. */
async function verifyCopy(copy: Config, interaction: Interaction, source: Snapshot): Promise<DriftEntry[]> {
  const target = await connectConfiguredTarget(copy, interaction);
  const progress = interaction.progress();
  try {
    return findDrift((await preparePlan(copy, target, progress, new Date(), source)).plan);
  } finally {
    progress.stop();
    target.close();
  }
}

/**
 * The copy must lead to the same plan as the real target; where it does not, the rehearsal
 * cannot speak for that action, and says so. Action keys name user, item ids and values, so
 * equal keys mean equal intent.
 */
function compareActions(real: readonly ActionKey[], copy: Plan): PlanMismatch[] {
  const realKeys = new Set(real.map((action) => action.key));
  const copyKeys = new Set(copy.actions.map((action) => action.key));
  return [
    ...real
      .filter((action) => !copyKeys.has(action.key))
      .map((action) => ({ only: "real" as const, key: action.key, title: action.title })),
    ...copy.actions
      .filter((action) => !realKeys.has(action.key))
      .map((action) => ({
        only: "sandbox" as const,
        key: action.key,
        title: action.type === "create-user" ? action.user.name : action.title,
      })),
  ];
}
