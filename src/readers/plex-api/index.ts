export type { PlexApiOptions } from "./client.js";
export { addSmartMembership } from "./combine.js";
export type { ApiList } from "./lists.js";
export { openPlexApi, type PlexApiReader } from "./reader.js";
