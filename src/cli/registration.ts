import type { Command } from "commander";
import type { CommandContext } from "./context.js";

/** What a command's registration gets: lazy context and a way to set the exit code. */
export interface Registration {
  context(): CommandContext;
  setExitCode(code: number): void;
}

/**
 * Adds one command to the program. Kept apart from commands/index.ts so that command files
 * import nothing from one another, not even the registry that lists them.
 */
export type RegisterCommand = (program: Command, registration: Registration) => void;
