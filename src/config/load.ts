import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, isAbsolute, resolve } from "node:path";
import type YAML from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { CATEGORIES, type Category, type Mode, type TargetKind } from "../model/index.js";
import { flagName, isPathOption, normalizeKey, OPTION_BY_KEY, OPTIONS, type OptionSpec } from "./options.js";
import { type Mapping, VALUE_SCHEMAS } from "./values.js";

type Spec = (typeof OPTIONS)[number];
/** Every option, typed from its schema; absent when not given anywhere. */
export type ConfigValues = { [S in Spec as S["key"]]?: z.output<(typeof VALUE_SCHEMAS)[S["schema"]]> };

/** Options after defaults: what commands read. */
export interface Config extends ConfigValues {
  targetKind: "auto" | TargetKind;
  mode: Mode;
  concurrency: number;
  timeout: number;
  createUsers: boolean;
  insecure: boolean;
  yes: boolean;
  detailedExitcode: boolean;
  pathMap: Mapping[];
  userMap: Mapping[];
  libraryMap: Mapping[];
  /** Kinds of data that take part after --only/--skip. */
  kinds: ReadonlySet<Category>;
  /** Where each given value came from, e.g. "flag --mode"; for messages. */
  origins: Readonly<Record<string, string>>;
}

export interface ConfigInput {
  /** Values of flags the user typed, keyed by option key (commander's camelCase names). */
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** --config value, if given on the command line. */
  configFile?: string;
  /**
   * The options the command takes. Env and config-file values of other options are ignored,
   * so one environment or config file serves every command (PLEXODUS_PLEX_TOKEN set for
   * `plan` must not break `apply` or `rollback`). Default: all options.
   */
  keys?: readonly string[];
  /** The folder a relative PLEXODUS_CONFIG is read from (default: the process's). */
  cwd?: string;
}

export function loadConfig(input: ConfigInput): Config {
  const values: Record<string, unknown> = {};
  const origins: Record<string, string> = {};

  const envConfig = nonEmpty(input.env.PLEXODUS_CONFIG);
  const configPath =
    input.configFile ?? (envConfig === undefined ? undefined : resolve(input.cwd ?? ".", envConfig));
  if (configPath !== undefined) {
    const origin = `config file ${configPath}`;
    for (const [key, raw] of Object.entries(readConfigFile(configPath))) {
      const normalized = normalizeKey(key);
      const spec = OPTION_BY_KEY.get(normalized);
      if (!spec) {
        throw new ConfigError(`unknown key "${key}" in ${origin}`, { hint: suggestion(normalized) });
      }
      if (!takes(input, spec.key)) continue;
      const value = parseValue(spec, raw, `"${key}" in ${origin}`);
      // A config file is written once and used from anywhere (cron, CI, another shell): its
      // relative paths mean "next to this file", not "wherever the command was started".
      values[spec.key] = isPathOption(spec) ? besideFile(configPath, value) : value;
      origins[spec.key] = origin;
    }
  }

  for (const spec of OPTIONS as readonly OptionSpec[]) {
    if (!spec.env || !takes(input, spec.key)) continue;
    const raw = nonEmpty(input.env[spec.env]);
    if (raw === undefined) continue;
    const origin = `environment variable ${spec.env}`;
    values[spec.key] = parseValue(spec, raw, origin);
    origins[spec.key] = origin;
  }

  for (const [key, raw] of Object.entries(input.flags)) {
    if (raw === undefined) continue;
    const spec = OPTION_BY_KEY.get(key);
    if (!spec) continue; // command-specific flags (--plan, --json…) are not configuration
    const origin = `flag ${flagName(spec)}`;
    values[spec.key] = parseValue(spec, raw, origin);
    origins[spec.key] = origin;
  }

  const config = withDefaults(values as ConfigValues, origins);
  checkCombinations(config);
  return config;
}

function besideFile(configPath: string, value: unknown): unknown {
  if (typeof value !== "string" || isAbsolute(value)) return value;
  return resolve(dirname(configPath), value);
}

function takes(input: ConfigInput, key: string): boolean {
  return input.keys === undefined || input.keys.includes(key);
}

function withDefaults(values: ConfigValues, origins: Record<string, string>): Config {
  const only = values.only ?? CATEGORIES;
  const skip = new Set(values.skip ?? []);
  return {
    ...values,
    targetKind: values.targetKind ?? "auto",
    mode: values.mode ?? "merge",
    concurrency: values.concurrency ?? 4,
    timeout: values.timeout ?? 30,
    createUsers: values.createUsers ?? false,
    insecure: values.insecure ?? false,
    yes: values.yes ?? false,
    detailedExitcode: values.detailedExitcode ?? false,
    pathMap: values.pathMap ?? [],
    userMap: values.userMap ?? [],
    libraryMap: values.libraryMap ?? [],
    kinds: new Set(only.filter((kind) => !skip.has(kind))),
    origins,
  };
}

function checkCombinations(config: Config): void {
  const pairs: Array<[keyof ConfigValues, keyof ConfigValues]> = [
    ["plexToken", "plexUrl"],
    ["plexUrl", "plexToken"],
    ["tautulliApiKey", "tautulliUrl"],
    ["tautulliUrl", "tautulliApiKey"],
  ];
  for (const [given, needed] of pairs) {
    if (config[given] !== undefined && config[needed] === undefined) {
      const g = OPTION_BY_KEY.get(given)!;
      const n = OPTION_BY_KEY.get(needed)!;
      // A token or key from the environment or a config file, without its URL, is left unused:
      // one environment serves every command, including runs that read only the database
      // (`inspect --plex-db` with PLEXODUS_PLEX_TOKEN set for `plan --plex-url`).
      if (g.secret && !config.origins[given]?.startsWith("flag ")) continue;
      throw new ConfigError(`${flagName(g)} (from ${config.origins[given]}) needs ${flagName(n)} as well`, {
        hint: `Give ${flagName(n)}${n.env ? ` or set ${n.env}` : ""}, or drop ${flagName(g)}.`,
      });
    }
  }
  if (config.users && config.excludeUsers) {
    throw new ConfigError("--users and --exclude-users cannot be combined", { hint: "Use one of them." });
  }
  if (config.libraries && config.excludeLibraries) {
    throw new ConfigError("--libraries and --exclude-libraries cannot be combined", {
      hint: "Use one of them.",
    });
  }
  if (config.kinds.size === 0) {
    throw new ConfigError("--only and --skip leave nothing to migrate", {
      hint: "Name at least one of users,watched,progress,ratings,playlists,collections.",
    });
  }
}

function parseValue(spec: OptionSpec, raw: unknown, origin: string): unknown {
  const result = (VALUE_SCHEMAS[spec.schema] as z.ZodType).safeParse(raw);
  if (result.success) return result.data;
  const problem = result.error.issues[0]?.message ?? "is not valid";
  const shown = spec.secret ? "" : ` (got ${JSON.stringify(raw)})`;
  throw new ConfigError(`invalid value for ${spec.key} from ${origin}: ${problem}${shown}`, {
    hint: `Fix ${spec.key}: ${spec.description}.`,
  });
}

/**
 * The YAML parser, loaded only when a YAML config file is read (about 50 ms of start-up that
 * a run without one does not pay). Synchronous, like the rest of loading the config: its
 * CommonJS build, through require.
 */
function yaml(): typeof YAML {
  return createRequire(import.meta.url)("yaml") as typeof YAML;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new ConfigError(`config file ${path} is a directory`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        hint: "Check the path given to --config or PLEXODUS_CONFIG.",
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : yaml().parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid ${extname(path) === ".json" ? "JSON" : "YAML"}`, {
      hint: (error as Error).message.split("\n")[0],
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a mapping of option names to values`);
  }
  return parsed as Record<string, unknown>;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function suggestion(key: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const option of OPTIONS) {
    const d = distance(key.toLowerCase(), option.key.toLowerCase());
    if (d < bestDistance) {
      best = option.key;
      bestDistance = d;
    }
  }
  return best
    ? `Did you mean "${best}"? See README "Configuration".`
    : `See README "Configuration" for the keys.`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
