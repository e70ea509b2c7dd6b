import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import type { Snapshot } from "../model/index.js";
import type { Progress } from "../progress.js";
import { openPlexDatabase } from "../readers/plex-db/index.js";

/** Reads the configured Plex source into the model. */
export async function readSource(config: Config, progress: Progress): Promise<Snapshot> {
  if (config.plexDb === undefined) {
    throw new ConfigError("no Plex source given", {
      hint: "Give --plex-db FILE (or PLEXODUS_PLEX_DB) pointing at com.plexapp.plugins.library.db.",
    });
  }
  const reader = openPlexDatabase(config.plexDb, { timeZone: config.plexTimezone });
  try {
    return await reader.read(progress);
  } finally {
    reader.close();
  }
}
