import { Command, CommanderError } from "commander";
import { describeError, EXIT_CODES, exitCodeOf } from "../errors.js";
import { packageVersion } from "../paths.js";
import { COMMANDS } from "./commands/index.js";
import { type CommandContext, createContext, type GlobalOptions } from "./context.js";
import type { Io } from "./io.js";

/**
 * Runs the CLI with the given arguments (without "node" and the script) and returns the exit
 * code. Never throws and never calls process.exit, so tests can run it in-process.
 */
export async function runCli(args: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  let context: CommandContext | undefined;
  const program = new Command("plexodus")
    .description(
      "Move a Plex Media Server's people and their history (watched state, play counts, dates, " +
        "resume positions, ratings, playlists, collections) to Jellyfin or Emby.",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .option("--config <file>", "JSON or YAML file holding any option (flags win over env, env over file)")
    .option("--json", "machine-readable result on stdout; human text and progress go to stderr")
    .option("--debug", "print stack traces and request details (secrets stay hidden)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const contextFor = (): CommandContext => {
    context ??= createContext(io, program.opts<GlobalOptions>());
    return context;
  };
  for (const register of COMMANDS) {
    register(program, {
      context: contextFor,
      setExitCode: (code) => {
        exitCode = code;
      },
    });
  }

  try {
    await program.parseAsync([...args], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors are exit 3 (CLI.md).
      if (error.exitCode === 0) return 0;
      return EXIT_CODES.config;
    }
    const globals = program.opts<GlobalOptions>();
    const redact = (text: string) => (context ? context.redactor.redact(text) : text);
    io.stderr.write(`plexodus: ${redact(describeError(error))}\n`);
    if (globals.debug && error instanceof Error && error.stack) io.stderr.write(`${redact(error.stack)}\n`);
    return exitCodeOf(error);
  } finally {
    // The --log file holds what happened up to here, a failed run's most of all.
    context?.close();
  }
}
