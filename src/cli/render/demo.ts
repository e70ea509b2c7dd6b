import type { Config } from "../../config/load.js";
import type { DemoOutcome } from "../../pipeline/demo.js";
import { renderVerify } from "./drift.js";

/** The first lines: what runs against what, and the options a person would type for it. */
export function demoHeader(
  sandbox: { kind: string; version: string; url: string },
  config: Config,
): string[] {
  return [
    `plexodus demo: bundled Plex sample → ${sandbox.kind} ${sandbox.version} sandbox at ${sandbox.url}`,
    `Options a person would pass: ${describeOptions(config)}\n`,
  ];
}

function describeOptions(config: Config): string {
  const maps = config.pathMap.map((m) => `--path-map '${m.from}=${m.to}'`);
  const users = config.userMap.map((m) => `--user-map ${m.from}=${m.to}`);
  const create = config.createUsers ? ["--create-users"] : [];
  const favorite =
    config.favoriteMinRating === undefined ? [] : [`--favorite-min-rating ${config.favoriteMinRating}`];
  return [...maps, ...users, ...create, ...favorite].join(" ");
}

/** Headings of the three steps. */
export const DEMO_STEPS = {
  plan: "== 1. plan (the dry run: nothing is written) ==\n",
  apply: "\n== 2. apply ==\n",
  verify: "\n== 3. verify (read both sides again) ==\n",
} as const;

/** The last lines: drift, how to try it by hand, and the files kept (`--keep`); what moved is told after the apply. */
export function demoClosing(outcome: DemoOutcome, keptFiles: readonly string[] = []): string[] {
  const lines = [
    // verify's own report: "No drift" only of what was compared (issue 13 item 6).
    renderVerify(outcome.again.plan, outcome.drift).join("\n"),
    `\nA second run would send ${outcome.again.plan.actions.length} writes. Run it yourself against the sandbox:\n` +
      `  plexodus sandbox --kind ${outcome.kind}        # then plexodus plan --plex-db … --target-url …`,
  ];
  if (outcome.keptFolder !== null) {
    lines.push(`\nDemo files kept in ${outcome.keptFolder}: ${keptFiles.join(", ")}`);
  }
  return lines;
}
