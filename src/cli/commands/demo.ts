import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError, EXIT_OK } from "../../errors.js";
import type { DemoEvent } from "../../pipeline/demo.js";
// The version table only (no imports of its own): the sandbox itself loads when the demo runs.
import { DEFAULT_VERSIONS, SUPPORTED_VERSIONS } from "../../sandbox/personality.js";
import type { CommandContext } from "../context.js";
import type { RegisterCommand } from "../registration.js";

export const registerDemo: RegisterCommand = (program, registration) => {
  const command: Command = program
    .command("demo")
    .description(
      "build the bundled sample Plex library, start the built-in sandbox server on loopback, and run plan → apply → verify against it",
    )
    .option("--kind <kind>", "sandbox personality: jellyfin or emby", "jellyfin")
    .option(
      "--sandbox-version <version>",
      `sandbox version: ${SUPPORTED_VERSIONS.jellyfin.join(", ")} (jellyfin; default ${DEFAULT_VERSIONS.jellyfin}) or ${SUPPORTED_VERSIONS.emby.join(", ")} (emby; default ${DEFAULT_VERSIONS.emby})`,
    )
    .option(
      "--keep",
      "keep the demo's temporary folder (the sample Plex database, the journal and the created users' credentials file) and print its path",
    );
  command.action(async (flags: { kind: string; sandboxVersion?: string; keep?: boolean }) => {
    const ctx = registration.context();
    const kind = flags.kind;
    if (kind !== "jellyfin" && kind !== "emby") {
      throw new ConfigError(`--kind must be jellyfin or emby, not ${kind}`);
    }
    const versions: readonly string[] = SUPPORTED_VERSIONS[kind];
    if (flags.sandboxVersion !== undefined && !versions.includes(flags.sandboxVersion)) {
      throw new ConfigError(
        `--sandbox-version ${flags.sandboxVersion} is not a version the ${kind} sandbox plays (flag)`,
        {
          hint: `Give one of ${versions.join(", ")} with --kind ${kind}, or leave --sandbox-version out for ${DEFAULT_VERSIONS[kind]}.`,
        },
      );
    }
    // Loaded when the demo runs, not when help is printed (issue 14, start).
    const [{ runDemo }, { interactionFor }, renderers] = await Promise.all([
      import("../../pipeline/demo.js"),
      import("../interaction.js"),
      loadRenderers(),
    ]);
    const apiKey = randomBytes(16).toString("hex");
    ctx.redactor.add(apiKey);
    let applyCode = EXIT_OK;
    const outcome = await runDemo(
      { kind, version: flags.sandboxVersion, apiKey, keep: Boolean(flags.keep) },
      // The demo answers its own question (--yes): a person ran it to watch it write.
      interactionFor(ctx, { yes: true }),
      (event) => {
        const code = show(ctx, event, renderers);
        if (code !== undefined) applyCode = code;
      },
    );
    const kept = outcome.keptFolder === null ? [] : readdirSync(outcome.keptFolder).sort();
    for (const line of renderers.demoClosing(outcome, kept)) ctx.say(line);
    registration.setExitCode(applyCode !== EXIT_OK || outcome.drift.length > 0 ? 1 : EXIT_OK);
  });
};

/** The renderers the demo prints with. */
async function loadRenderers() {
  const [{ NOTHING_TO_APPLY }, demo, { renderPlan }, { reportApply }] = await Promise.all([
    import("../render/apply.js"),
    import("../render/demo.js"),
    import("../render/plan.js"),
    import("../report.js"),
  ]);
  return { NOTHING_TO_APPLY, ...demo, renderPlan, reportApply };
}

/** Prints one moment of the demo; returns the apply's exit code once the apply is reported. */
function show(
  ctx: CommandContext,
  event: DemoEvent,
  {
    NOTHING_TO_APPLY,
    DEMO_STEPS,
    demoHeader,
    renderPlan,
    reportApply,
  }: Awaited<ReturnType<typeof loadRenderers>>,
): number | undefined {
  switch (event.type) {
    case "started":
      for (const line of demoHeader(event.sandbox, event.config)) ctx.say(line);
      return undefined;
    case "planning":
      ctx.say(DEMO_STEPS.plan);
      return undefined;
    case "planned":
      ctx.say(renderPlan(event.prepared.plan));
      return undefined;
    case "applying":
      ctx.say(DEMO_STEPS.apply);
      if (event.plan.actions.length === 0) ctx.say(NOTHING_TO_APPLY);
      return undefined;
    case "applied":
      return reportApply(ctx, event.plan, event.result);
    case "verifying":
      ctx.say(DEMO_STEPS.verify);
      return undefined;
  }
}
