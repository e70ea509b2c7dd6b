import type { Command } from "commander";
import { ConfigError } from "../errors.js";

/**
 * Commands that read words beyond their declared arguments themselves (`sandbox --version V`,
 * whose value the root's own --version leaves behind); the others refuse them.
 */
const READS_OWN_ARGUMENTS = new WeakSet<Command>();

export function readsOwnArguments(command: Command): void {
  READS_OWN_ARGUMENTS.add(command);
}

/** Run before every action: commands that do not read extra words themselves refuse them. */
export function checkArguments(command: Command, rawArgs: readonly string[]): void {
  if (!READS_OWN_ARGUMENTS.has(command)) refuseStrayArguments(command, rawArgs);
}

/**
 * Words beyond the declared arguments, except one each of `allowed`, are refused. A word no
 * option takes is almost always half of a value with a space in it
 * (`--plex-db /my media/x.db`): name it, and show the quoted value when it follows one.
 */
export function refuseStrayArguments(
  command: Command,
  rawArgs: readonly string[],
  allowed: readonly string[] = [],
): void {
  const expected = [...allowed];
  const stray = command.args.slice(command.registeredArguments.length).filter((arg) => {
    const at = expected.indexOf(arg);
    if (at >= 0) expected.splice(at, 1);
    return at < 0;
  });
  if (stray.length === 0) return;
  const quoted = stray.map((arg) => `'${arg}'`).join(", ");
  throw new ConfigError(
    `unexpected argument${stray.length === 1 ? "" : "s"} ${quoted} — quote paths that contain spaces`,
    {
      hint:
        joinedHint(rawArgs, stray[0]!) ?? `\`plexodus ${command.name()}\` takes only options; see --help.`,
    },
  );
}

/** "Did you mean --plex-db '/my media/x.db'?" when the stray word follows an option's value. */
function joinedHint(rawArgs: readonly string[], stray: string): string | undefined {
  const at = rawArgs.indexOf(stray);
  if (at < 2) return undefined;
  const flag = rawArgs[at - 2]!;
  const value = rawArgs[at - 1]!;
  if (!flag.startsWith("--") || flag.includes("=") || value.startsWith("-")) return undefined;
  return `Did you mean ${flag} '${value} ${stray}'?`;
}
