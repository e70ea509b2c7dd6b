import type { VALUE_SCHEMAS } from "./values.js";

/**
 * The name of a value schema in values.ts. The table names its schemas instead of holding
 * them, so the CLI registers flags and prints help without loading zod (issue 14, start);
 * the loader looks the schema up by this name.
 */
export type ValueName = keyof typeof VALUE_SCHEMAS;

/**
 * The one table of options (shared/design/CLI.md): config key, flag, env var, value schema.
 * The CLI registers flags from it and the loader validates every source against it.
 */
export interface OptionSpec {
  /** Key in config files and in the Config object. */
  key: string;
  /** Long flag as typed on the command line, with its value placeholder. */
  flag: string;
  env?: string;
  schema: ValueName;
  description: string;
  /** Repeatable flag (values accumulate). */
  repeatable?: boolean;
  /** The value is a secret: never echoed in messages. */
  secret?: boolean;
}

export const OPTIONS = [
  {
    key: "plexDb",
    flag: "--plex-db <file>",
    env: "PLEXODUS_PLEX_DB",
    schema: "filePath",
    description: "Plex library database (com.plexapp.plugins.library.db); read-only, safe while Plex runs",
  },
  {
    key: "plexUrl",
    flag: "--plex-url <url>",
    env: "PLEXODUS_PLEX_URL",
    schema: "httpUrl",
    description: "Plex server URL, for the watch-history feed and smart playlists",
  },
  {
    key: "plexToken",
    flag: "--plex-token <token>",
    env: "PLEXODUS_PLEX_TOKEN",
    schema: "secret",
    secret: true,
    description: "Plex token for --plex-url",
  },
  {
    key: "tautulliUrl",
    flag: "--tautulli-url <url>",
    env: "PLEXODUS_TAUTULLI_URL",
    schema: "httpUrl",
    description: "Tautulli URL, an optional extra history source",
  },
  {
    key: "tautulliApiKey",
    flag: "--tautulli-api-key <key>",
    env: "PLEXODUS_TAUTULLI_API_KEY",
    schema: "secret",
    secret: true,
    description: "Tautulli API key for --tautulli-url",
  },
  {
    key: "targetUrl",
    flag: "--target-url <url>",
    env: "PLEXODUS_TARGET_URL",
    schema: "httpUrl",
    description: "Jellyfin or Emby base URL (a base path such as /jellyfin or /emby is allowed)",
  },
  {
    key: "targetApiKey",
    flag: "--target-api-key <key>",
    env: "PLEXODUS_TARGET_API_KEY",
    schema: "secret",
    secret: true,
    description: "admin API key of the target",
  },
  {
    key: "targetKind",
    flag: "--target-kind <kind>",
    env: "PLEXODUS_TARGET_KIND",
    schema: "targetKind",
    description: "auto, jellyfin or emby (default auto: detected from /System/Info/Public)",
  },
  {
    key: "plexTimezone",
    flag: "--plex-timezone <zone>",
    env: "PLEXODUS_PLEX_TIMEZONE",
    schema: "timeZone",
    description: "time zone of the Plex host, for old databases with local-time text dates",
  },
  {
    key: "caFile",
    flag: "--ca-file <file>",
    env: "PLEXODUS_CA_FILE",
    schema: "filePath",
    description: "extra CA certificate (PEM) to trust, for servers with self-signed certificates",
  },
  {
    key: "insecure",
    flag: "--insecure",
    schema: "flag",
    description: "do not verify TLS certificates (dangerous; prefer --ca-file)",
  },
  {
    key: "timeout",
    flag: "--timeout <seconds>",
    schema: "timeoutSeconds",
    description: "seconds to wait for one request before retrying it (default 30)",
  },
  {
    key: "pathMap",
    flag: "--path-map <from=to>",
    schema: "mappingList",
    repeatable: true,
    description: "rewrite a Plex file-path prefix to the target's (repeatable; longest prefix wins)",
  },
  {
    key: "userMap",
    flag: "--user-map <plex=target>",
    schema: "mappingList",
    repeatable: true,
    description: "map a Plex account name to a target user name (repeatable)",
  },
  {
    key: "libraryMap",
    flag: "--library-map <plex=target>",
    schema: "mappingList",
    repeatable: true,
    description: "match a Plex library's items only in one target library (repeatable)",
  },
  {
    key: "createUsers",
    flag: "--create-users",
    schema: "flag",
    description: "create target users for Plex accounts that map to nobody",
  },
  {
    key: "credentialsFile",
    flag: "--credentials-file <file>",
    schema: "filePath",
    description: "where created users' passwords go (mode 0600, appended; default plexodus-credentials.txt)",
  },
  { key: "users", flag: "--users <names>", schema: "nameList", description: "Plex accounts to migrate" },
  {
    key: "excludeUsers",
    flag: "--exclude-users <names>",
    schema: "nameList",
    description: "Plex accounts to leave out",
  },
  {
    key: "libraries",
    flag: "--libraries <names>",
    schema: "nameList",
    description: "Plex libraries to migrate (by name)",
  },
  {
    key: "excludeLibraries",
    flag: "--exclude-libraries <names>",
    schema: "nameList",
    description: "Plex libraries to leave out (by name)",
  },
  {
    key: "only",
    flag: "--only <kinds>",
    schema: "kindList",
    description: "only these kinds: users,watched,progress,ratings,playlists,collections",
  },
  { key: "skip", flag: "--skip <kinds>", schema: "kindList", description: "leave out these kinds" },
  { key: "mode", flag: "--mode <mode>", schema: "mode", description: "merge (default) or mirror" },
  {
    key: "favoriteMinRating",
    flag: "--favorite-min-rating <n>",
    schema: "ratingThreshold",
    description: "also mark items rated at least N (0-10) as favorites",
  },
  {
    key: "concurrency",
    flag: "--concurrency <n>",
    schema: "concurrency",
    description: "parallel requests to the target (default 4)",
  },
  {
    key: "retries",
    flag: "--retries <n>",
    schema: "retryPasses",
    description:
      "passes at the end of a run over actions that failed because the target stayed busy (default 3; 0 for none)",
  },
  {
    key: "retryTime",
    flag: "--retry-time <seconds>",
    schema: "retryTimeSeconds",
    description: "no retry pass starts later than this after the first pass ended (default 900)",
  },
  {
    key: "journal",
    flag: "--journal <file>",
    schema: "filePath",
    description: "journal of prior values and confirmed writes (default plexodus-<server id>.journal)",
  },
  { key: "yes", flag: "--yes", schema: "flag", description: "no interactive confirmation" },
  {
    key: "detailedExitcode",
    flag: "--detailed-exitcode",
    schema: "flag",
    description: "exit 2 when there is something to change (plan) or drift (verify)",
  },
] as const satisfies readonly OptionSpec[];

export type OptionKey = (typeof OPTIONS)[number]["key"];

export const OPTION_BY_KEY: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o) => [o.key, o]));

/** "plex-db" and "plex_db" in config files mean "plexDb". */
export function normalizeKey(key: string): string {
  return key.replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Options whose value is a file or folder: a relative one in a config file is read from the
 * config file's folder. Told by the schema or by the flag's placeholder, so a new `<file>`
 * option is covered without anyone remembering to mark it.
 */
export function isPathOption(spec: OptionSpec): boolean {
  return spec.schema === "filePath" || /<(file|folder|dir|path)>$/.test(spec.flag);
}

export function flagName(spec: OptionSpec): string {
  return spec.flag.split(" ")[0] ?? spec.flag;
}

function specOf(key: OptionKey): OptionSpec {
  const spec = OPTION_BY_KEY.get(key);
  if (!spec) throw new Error(`no option ${key}`);
  return spec;
}

/** "--plex-url": the flag of an option, for hints. */
export function optionFlag(key: OptionKey): string {
  return flagName(specOf(key));
}

/** "--plex-token / PLEXODUS_PLEX_TOKEN": every place a value can be given, for hints. */
export function optionLabel(key: OptionKey): string {
  const spec = specOf(key);
  return spec.env ? `${flagName(spec)} / ${spec.env}` : flagName(spec);
}
