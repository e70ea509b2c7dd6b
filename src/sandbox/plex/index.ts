export { type PlexData, plexData } from "./data.js";
export {
  PLEX_SANDBOX_VERSION,
  type PlexRequestLogEntry,
  type PlexSandbox,
  type PlexSandboxOptions,
  startPlexSandbox,
} from "./server.js";
