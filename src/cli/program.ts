import { Command, CommanderError } from "commander";
import { ConfigError, describeError, EXIT_CODES, exitCodeOf } from "../errors.js";
import { packageVersion } from "../paths.js";
import { checkArguments } from "./arguments.js";
import { COMMANDS } from "./commands/index.js";
import type { CommandContext, GlobalOptions } from "./context.js";
import type { Io } from "./io.js";
import { GLOBAL_OPTIONS, type GlobalOptionName, honours } from "./options.js";

export interface Program {
  /** The commander program with every command registered; `parseAsync` runs one. */
  command: Command;
  /** The exit code a command set (0 until one does). */
  exitCode(): number;
  /** The command context, once a command asked for it. */
  context(): CommandContext | undefined;
}

/**
 * The whole command tree, built fresh for each run (tests walk it to reach every option).
 * Building it loads only commander and the option table: each command's names, options and
 * help are registered here, and what it runs is imported when its action runs (issue 14,
 * start), so `--help`, `--version` and a completion script cost little more than Node's start.
 */
export function createProgram(io: Io): Program {
  let exitCode = 0;
  let context: CommandContext | undefined;
  // What commands share at run time (config loading, progress bars) loads before an action.
  let contexts: typeof import("./context.js") | undefined;
  const program = new Command("plexodus")
    .description(
      "move a Plex Media Server's people and their history (watched state, play counts, dates, " +
        "resume positions, ratings, playlists, collections) to Jellyfin or Emby",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "print help for the command")
    .helpCommand("help [command]", "print help for a command")
    .option(GLOBAL_OPTIONS.config.flags, GLOBAL_OPTIONS.config.description)
    .option(GLOBAL_OPTIONS.json.flags, GLOBAL_OPTIONS.json.description)
    .option(GLOBAL_OPTIONS.debug.flags, GLOBAL_OPTIONS.debug.description)
    // Extra words are refused by checkArguments with a message that names them.
    .allowExcessArguments(true)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  program.hook("preAction", async (_root, command) => {
    checkArguments(command, (program as unknown as { rawArgs: string[] }).rawArgs);
    const globals = program.opts<GlobalOptions>();
    for (const name of ["config", "json"] as const satisfies readonly GlobalOptionName[]) {
      if (globals[name] !== undefined && !honours(command, name)) {
        throw new ConfigError(`\`plexodus ${command.name()}\` does not take --${name}`, {
          hint: `Drop --${name}; see \`plexodus ${command.name()} --help\`.`,
        });
      }
    }
    contexts = await import("./context.js");
  });

  const contextFor = (): CommandContext => {
    if (!contexts) throw new Error("a command asked for its context before the preAction hook ran");
    context ??= contexts.createContext(io, program.opts<GlobalOptions>());
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
  return { command: program, exitCode: () => exitCode, context: () => context };
}

/**
 * Runs the CLI with the given arguments (without "node" and the script) and returns the exit
 * code. Never throws and never calls process.exit, so tests can run it in-process.
 */
export async function runCli(args: readonly string[], io: Io): Promise<number> {
  const program = createProgram(io);
  try {
    await program.command.parseAsync([...args], { from: "user" });
    return program.exitCode();
  } catch (error) {
    // Bars down (and the terminal restored) before the message, so it is not drawn over.
    program.context()?.close();
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors are exit 3 (CLI.md).
      if (error.exitCode === 0) return 0;
      return EXIT_CODES.config;
    }
    const globals = program.command.opts<GlobalOptions>();
    const context = program.context();
    const redact = (text: string) => (context ? context.redactor.redact(text) : text);
    io.stderr.write(`plexodus: ${redact(describeError(error))}\n`);
    if (globals.debug && error instanceof Error && error.stack) io.stderr.write(`${redact(error.stack)}\n`);
    return exitCodeOf(error);
  } finally {
    program.context()?.close();
  }
}
