import { type Command, Option } from "commander";
import { OPTION_BY_KEY, type OptionKey } from "../config/options.js";

/** Registers shared options from the one option table, so help text and config never drift. */
export function addConfigOptions(command: Command, keys: readonly OptionKey[]): Command {
  for (const key of keys) {
    const spec = OPTION_BY_KEY.get(key);
    if (!spec) throw new Error(`no option ${key}`);
    // Env values are read by the config loader (so their source can be named in errors),
    // so commander only mentions the variable in the help text.
    const option = new Option(
      spec.flag,
      spec.env ? `${spec.description} (env: ${spec.env})` : spec.description,
    );
    if (spec.repeatable) {
      option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    }
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
  "credentialsFile",
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

/** What `plan`, `verify` and the planning half of `migrate` take. */
export const PLAN_OPTIONS = [
  ...SOURCE_OPTIONS,
  ...TARGET_OPTIONS,
  ...SCOPE_OPTIONS,
  "concurrency",
  ...OUTPUT_OPTIONS,
] as const;

/** What `apply` and the applying half of `migrate` take; the plan names the rest. */
export const APPLY_OPTIONS = [
  ...TARGET_OPTIONS,
  "concurrency",
  "journal",
  "credentialsFile",
  "yes",
  ...OUTPUT_OPTIONS,
] as const;
