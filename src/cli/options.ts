import { type Command, Option } from "commander";
import { OPTION_BY_KEY, type OptionKey } from "../config/options.js";

/**
 * The root program's options. `--config` and `--json` are read wherever they appear on the
 * command line (commander's default), so each command that reads a config or prints a JSON
 * document lists them in its own help too (see `listGlobalOptions`).
 */
export const GLOBAL_OPTIONS = {
  config: {
    flags: "--config <file>",
    description: "JSON or YAML file holding any option (flags win over env, env over file)",
  },
  json: {
    flags: "--json",
    description: "machine-readable result on stdout; human text and progress go to stderr",
  },
  debug: { flags: "--debug", description: "print stack traces and request details (secrets stay hidden)" },
} as const;

export type GlobalOptionName = keyof typeof GLOBAL_OPTIONS;

/**
 * Shows root options a command honours in that command's help. The root parses them (these
 * copies never receive a value); a command that does not list one refuses it (program.ts).
 */
export function listGlobalOptions(command: Command, names: readonly GlobalOptionName[]): Command {
  for (const name of names) {
    const { flags, description } = GLOBAL_OPTIONS[name];
    command.addOption(new Option(flags, description));
  }
  return command;
}

/** Whether a command lists a root option as its own (and so honours it). */
export function honours(command: Command, name: GlobalOptionName): boolean {
  const long = GLOBAL_OPTIONS[name].flags.split(" ")[0];
  return command.options.some((option) => option.long === long);
}

/** How a command shows some of its shared options. */
export interface OptionShowing {
  /**
   * Accepted but not listed: options a command does not use, kept so that one command line
   * (or config file) serves plan, migrate and verify alike.
   */
  hidden?: readonly OptionKey[];
  /** What an option means for this command, where the shared words would not be true. */
  descriptions?: Partial<Record<OptionKey, string>>;
}

/** Registers shared options from the one option table, so help text and config never drift. */
export function addConfigOptions(
  command: Command,
  keys: readonly OptionKey[],
  showing: OptionShowing = {},
): Command {
  for (const key of keys) {
    const spec = OPTION_BY_KEY.get(key);
    if (!spec) throw new Error(`no option ${key}`);
    const description = showing.descriptions?.[key] ?? spec.description;
    // Env values are read by the config loader (so their source can be named in errors),
    // so commander only mentions the variable in the help text.
    const option = new Option(spec.flag, spec.env ? `${description} (env: ${spec.env})` : description);
    if (spec.repeatable) {
      option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    }
    if (showing.hidden?.includes(key)) option.hideHelp();
    command.addOption(option);
  }
  return command;
}

/** Options that identify the Plex source. */
export const SOURCE_OPTIONS = [
  "plexDb",
  "plexUrl",
  "plexToken",
  "tautulliUrl",
  "tautulliApiKey",
  "plexTimezone",
] as const satisfies readonly OptionKey[];

/** Options that identify and reach the target. */
export const TARGET_OPTIONS = [
  "targetUrl",
  "targetApiKey",
  "targetKind",
  "caFile",
  "insecure",
  "timeout",
] as const satisfies readonly OptionKey[];

/** Options that choose what a migration covers. */
export const SCOPE_OPTIONS = [
  "pathMap",
  "userMap",
  "libraryMap",
  "createUsers",
  "users",
  "excludeUsers",
  "libraries",
  "excludeLibraries",
  "only",
  "skip",
  "mode",
  "favoriteMinRating",
] as const satisfies readonly OptionKey[];

/** Files a run leaves for people: the HTML report, the Markdown summary, the support log. */
export const OUTPUT_OPTIONS = ["report", "summaryMd", "log"] as const satisfies readonly OptionKey[];

/**
 * What `plan`, `verify` and the planning half of `migrate` take. `--credentials-file` is not
 * here: only applying creates users; plan and verify accept it hidden (`READ_ONLY_HIDDEN`).
 */
export const PLAN_OPTIONS = [
  ...SOURCE_OPTIONS,
  ...TARGET_OPTIONS,
  ...SCOPE_OPTIONS,
  "concurrency",
  ...OUTPUT_OPTIONS,
] as const;

/** Accepted by plan and verify so a migrate command line works there too, but not used. */
export const READ_ONLY_HIDDEN = ["credentialsFile"] as const satisfies readonly OptionKey[];

/** What `apply` and the applying half of `migrate` take; the plan names the rest. */
export const APPLY_OPTIONS = [
  ...TARGET_OPTIONS,
  "concurrency",
  "retries",
  "retryTime",
  "journal",
  "credentialsFile",
  "yes",
  ...OUTPUT_OPTIONS,
] as const;
