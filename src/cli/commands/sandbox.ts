import type { EventEmitter } from "node:events";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { ConfigError } from "../../errors.js";
import type { Sandbox } from "../../sandbox/index.js";
// The version table only (no imports of its own): the sandbox itself loads when it starts.
import { DEFAULT_VERSIONS, SUPPORTED_VERSIONS } from "../../sandbox/personality.js";
import type { PlexSandbox } from "../../sandbox/plex/index.js";
import { readsOwnArguments, refuseStrayArguments } from "../arguments.js";
import type { CommandContext } from "../context.js";
import { addConfigOptions, PLAN_OPTIONS } from "../options.js";
import type { RegisterCommand } from "../registration.js";

export interface SandboxCommandOptions {
  kind?: string;
  version?: string;
  port?: string;
  library?: string;
  apiKey?: string;
  latency?: string;
  failRate?: string;
  seed?: string;
  legacyAuthorization?: boolean;
  snapshotFrom?: string;
  out?: string;
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new ConfigError(`--${name} must be a whole number from ${min} to ${max}, got "${value}" (flag)`);
  }
  return number;
}

/**
 * Starts the sandbox, prints its URL (and the API key when the sandbox chose it), and serves
 * until `stop` fires. The CLI wires `stop` to Ctrl-C; tests pass their own signal.
 */
export async function serveSandbox(
  options: SandboxCommandOptions,
  context: CommandContext,
  stop: AbortSignal,
): Promise<void> {
  const kind = options.kind;
  if (kind === undefined) {
    throw new ConfigError("--kind is required: jellyfin, emby or plex", {
      hint: "Or write a snapshot of a real server with --snapshot-from URL --out FILE.",
    });
  }
  if (options.apiKey !== undefined && options.apiKey.trim() === "") {
    throw new ConfigError("--api-key must not be blank (flag)", {
      hint: "Give the key the sandbox should accept, or leave --api-key out for a random one.",
    });
  }
  if (kind === "plex") return servePlexSandbox(options, context, stop);
  if (kind !== "jellyfin" && kind !== "emby") {
    throw new ConfigError(`--kind must be jellyfin, emby or plex, got "${kind ?? ""}" (flag)`);
  }
  const versions = SUPPORTED_VERSIONS[kind];
  if (options.version !== undefined && !versions.includes(options.version)) {
    throw new ConfigError(
      `--version ${options.version} is not a supported ${kind} version (flag); supported: ${versions.join(", ")}`,
    );
  }
  const port = integer("port", options.port, 0, 65535);
  const latency = integer("latency", options.latency, 0, 600_000);
  const seed = integer("seed", options.seed, 0, 2 ** 31);
  let failRate: number | undefined;
  if (options.failRate !== undefined) {
    failRate = Number(options.failRate);
    if (!Number.isFinite(failRate) || failRate < 0 || failRate > 1) {
      throw new ConfigError(`--fail-rate must be a number from 0 to 1, got "${options.failRate}" (flag)`);
    }
  }
  // Loaded when a sandbox starts, not when help is printed (issue 14, start).
  const [{ sampleTargetLibrary }, { loadSandboxLibrary, startSandbox }] = await Promise.all([
    import("../../sample/index.js"),
    import("../../sandbox/index.js"),
  ]);
  // Without --library: the demo's target library, which matches the bundled Plex sample.
  const library = options.library === undefined ? sampleTargetLibrary() : loadSandboxLibrary(options.library);
  if (options.apiKey) context.redactor.add(options.apiKey);
  const box: Sandbox = await listening(port, () =>
    startSandbox({
      kind,
      ...(options.version !== undefined ? { version: options.version } : {}),
      library,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(options.legacyAuthorization ? { legacyAuthorization: true } : {}),
      faults: {
        ...(seed !== undefined ? { seed } : {}),
        ...(latency !== undefined ? { latencyMs: latency } : {}),
        ...(failRate !== undefined ? { error503Rate: failRate } : {}),
      },
    }),
  );
  // The URL is the first line of stdout so scripts can read it; the key only when we chose it.
  context.io.stdout.write(`${box.url}\n`);
  if (!options.apiKey) context.io.stdout.write(`api key: ${box.apiKey}\n`);
  context.warn(`${kind} ${box.version} sandbox serving; press Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener("abort", () => resolve(), { once: true });
  });
  await box.stop();
}

/**
 * `--kind plex`: a Plex server personality serving a Plex library database (`--library`, else
 * the bundled sample scenario itself), for rehearsing `--plex-url`. `--api-key` is the token
 * it accepts.
 */
async function servePlexSandbox(
  options: SandboxCommandOptions,
  context: CommandContext,
  stop: AbortSignal,
): Promise<void> {
  const port = integer("port", options.port, 0, 65535);
  const unused = (
    [
      ["--version", options.version],
      ["--latency", options.latency],
      ["--fail-rate", options.failRate],
      ["--seed", options.seed],
      ["--legacy-authorization", options.legacyAuthorization],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (unused.length > 0) {
    throw new ConfigError(`${unused.map(([flag]) => flag).join(", ")}: not for --kind plex (flag)`, {
      hint: "The Plex sandbox plays one Plex version and injects no faults; drop these options.",
    });
  }
  if (options.apiKey) context.redactor.add(options.apiKey);
  const [{ SAMPLE_SCENARIO }, { startPlexSandbox }] = await Promise.all([
    import("../../sample/index.js"),
    import("../../sandbox/plex/index.js"),
  ]);
  const source =
    options.library === undefined ? { scenario: SAMPLE_SCENARIO } : { databasePath: options.library };
  const box: PlexSandbox = await listening(port, () =>
    startPlexSandbox({
      ...source,
      ...(options.apiKey ? { token: options.apiKey } : {}),
      ...(port !== undefined ? { port } : {}),
    }),
  );
  context.io.stdout.write(`${box.url}\n`);
  if (!options.apiKey) context.io.stdout.write(`token: ${box.token}\n`);
  context.warn("plex sandbox serving; press Ctrl-C to stop");
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener("abort", () => resolve(), { once: true });
  });
  await box.stop();
}

/** A port someone else holds, or one that needs privileges, is the person's to change (exit 3). */
async function listening<T>(port: number | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = "Choose another --port, or leave --port out and the system picks a free one.";
    if (code === "EADDRINUSE") throw new ConfigError(`port ${port} is in use`, { hint, cause: error });
    if (code === "EACCES") {
      throw new ConfigError(`port ${port} needs administrator rights on this system`, { hint, cause: error });
    }
    throw error;
  }
}

/**
 * The root program's `-V, --version` is recognised after subcommands too (commander's default,
 * which the other commands rely on for --json/--debug), so `sandbox --version 10.9` would print
 * plexodus' version. Only for the sandbox subcommand, the root flag is ignored and the value
 * that follows it is read here instead.
 */
function shadowRootVersion(program: Command): void {
  // Command is an EventEmitter at run time; its typings only declare on().
  const emitter = program as unknown as EventEmitter & RawArgs;
  const printVersion = emitter.listeners("option:version");
  emitter.removeAllListeners("option:version");
  emitter.on("option:version", () => {
    if (versionAfterSandbox(emitter.rawArgs) !== null) return;
    for (const listener of printVersion) (listener as () => void).call(program);
  });
}

interface RawArgs {
  rawArgs: string[];
}

/** The value of `--version V` given after the `sandbox` word, or null. */
function versionAfterSandbox(args: readonly string[]): string | null {
  const at = args.indexOf("sandbox");
  if (at < 0) return null;
  const flag = args.indexOf("--version", at + 1);
  if (flag < 0) return null;
  return args[flag + 1] ?? "";
}

export const registerSandbox: RegisterCommand = (program, registration) => {
  shadowRootVersion(program);
  const command: Command = program
    .command("sandbox")
    .allowExcessArguments(true)
    .description("run a built-in Jellyfin, Emby or Plex sandbox server on loopback in the foreground")
    .addOption(
      new Option("--kind <kind>", "server kind to emulate (required unless --snapshot-from)").choices([
        "jellyfin",
        "emby",
        "plex",
      ]),
    )
    .option(
      "--version <version>",
      `version to emulate: ${SUPPORTED_VERSIONS.jellyfin.join(", ")} (jellyfin; default ${DEFAULT_VERSIONS.jellyfin}) or ${SUPPORTED_VERSIONS.emby.join(", ")} (emby; default ${DEFAULT_VERSIONS.emby})`,
    )
    .option("--port <port>", "port to listen on (default: chosen by the OS)")
    .option(
      "--library <file>",
      "library file (JSON, see docs/sandbox-library.md; with --kind plex a Plex database); default the bundled sample",
    )
    .option("--api-key <key>", "API key (with --kind plex: token) to accept (default: a random one, printed)")
    .option(
      "--latency <ms>",
      "jellyfin and emby: answer every request this many milliseconds after it arrived (the sandbox's own handling included)",
    )
    .option("--fail-rate <rate>", "jellyfin and emby: share of requests answered 503 with Retry-After (0–1)")
    .option("--seed <n>", "jellyfin and emby: seed for the injected faults")
    .option(
      "--legacy-authorization",
      "Jellyfin 10.11+: turn the server's EnableLegacyAuthorization on (X-Emby-Token, api_key, the Emby scheme); on by default for 10.11, off for 12.0",
    )
    .option(
      "--snapshot-from <url>",
      "instead of serving: read this Jellyfin/Emby server read-only (with --target-api-key) and write it as a library file to --out",
    )
    .option("--out <file>", "with --snapshot-from: the library file to write (mode 0600)")
    .action(async (options: SandboxCommandOptions & Record<string, unknown>) => {
      const rawArgs = (program as unknown as RawArgs).rawArgs;
      const shadowed = options.version === undefined ? versionAfterSandbox(rawArgs) : null;
      // The value the root's --version left behind is the one extra word this command reads.
      refuseStrayArguments(command, rawArgs, shadowed === null ? [] : [shadowed]);
      if (shadowed !== null) options.version = shadowed;
      if (options.snapshotFrom !== undefined) {
        await writeSnapshot(options, registration.context());
        return;
      }
      snapshotOnly(registration.context());
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        await serveSandbox(options, registration.context(), controller.signal);
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
  addConfigOptions(command, SNAPSHOT_OPTIONS);
  // A config file can hold a snapshot's plan options; serving reads none (snapshotOnly).
  command.addOption(new Option("--config <file>", "with --snapshot-from: a config file holding its options"));
  readsOwnArguments(command);
};

/** Serving reads no config file: one given is a mistake worth naming. */
function snapshotOnly(context: CommandContext): void {
  if (context.globals.config !== undefined) {
    throw new ConfigError("--config goes with --snapshot-from; a served sandbox reads no config file", {
      hint: "Drop --config; give the sandbox its options as flags.",
    });
  }
}

/** What `--snapshot-from` reads with: the options of `plan`, the URL coming from the flag. */
const SNAPSHOT_OPTIONS = PLAN_OPTIONS.filter((key) => key !== "targetUrl");

/** Options of serving that a snapshot has no use for; given with it they are a mistake. */
const SERVING_ONLY = [
  "kind",
  "version",
  "port",
  "library",
  "apiKey",
  "latency",
  "failRate",
  "seed",
  "legacyAuthorization",
] as const;

/**
 * `--snapshot-from URL --out FILE`: writes the target as a library file (docs/rehearsal.md)
 * and serves nothing. With a Plex source given it is the snapshot `rehearse` would load.
 */
async function writeSnapshot(
  options: SandboxCommandOptions & Record<string, unknown>,
  context: CommandContext,
): Promise<void> {
  if (options.out === undefined) {
    throw new ConfigError("--snapshot-from needs --out FILE: where to write the library file");
  }
  const serving = SERVING_ONLY.filter((key) => options[key] !== undefined);
  if (serving.length > 0) {
    const flags = serving.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new ConfigError(
      `--snapshot-from writes a file and serves nothing: ${flags.join(", ")} do not apply`,
      {
        hint: "The target's key goes in --target-api-key; start the file afterwards with `plexodus sandbox --kind … --library FILE`.",
      },
    );
  }
  const config = context.config({ ...options, targetUrl: options.snapshotFrom }, [
    ...SNAPSHOT_OPTIONS,
    "targetUrl",
  ]);
  // Loaded when a snapshot is written, not when help is printed (issue 14, start).
  const [{ writeTargetSnapshot }, { interactionFor }, { snapshotWrittenLines }] = await Promise.all([
    import("../../pipeline/snapshot.js"),
    import("../interaction.js"),
    import("../render/rehearse.js"),
  ]);
  const written = await writeTargetSnapshot(
    config,
    interactionFor(context, config),
    resolve(context.io.cwd, options.out),
  );
  for (const line of snapshotWrittenLines(written)) context.say(line);
}
