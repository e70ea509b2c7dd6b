export { type ParsedGuid, parseExternalIdTag, parseGuid } from "./guid.js";
export {
  openPlexDatabase,
  type PlexDatabaseOptions,
  type PlexDatabaseReader,
  type SnapshotSink,
  type StreamedSnapshot,
} from "./reader.js";
export { formatLocalText, parseLocalText } from "./timezone.js";
