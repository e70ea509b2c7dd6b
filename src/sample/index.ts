export { DEMO_PATH_MAP, DEMO_USER_MAP } from "./maps.js";
export {
  FRIEND,
  HISTORY_ONLY_ACCOUNT,
  MANAGED,
  ORPHAN_GUID,
  OWNER,
  REMOVED_FILM_GUID,
  SAMPLE_SCENARIO,
  writeSampleDatabase,
} from "./plex.js";
export { readScenarioDatabase } from "./plex-db/read.js";
export { writeScenarioDatabase } from "./plex-db/write.js";
export type * from "./scenario.js";
export { metadataTypeOf, SMART_MEMBERS_KEY } from "./scenario.js";
export { sampleTargetLibrary } from "./target.js";
