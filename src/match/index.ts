export { type MatchItemsInput, matchItems } from "./items.js";
export { MAX_USER_NAME_LENGTH, sanitizeUserName } from "./names.js";
export { cleanPath, PathMapper, pathKey } from "./paths.js";
export { describeItem, renderMatchReport } from "./report.js";
export { type MatchSummary, summarizeMatches } from "./summary.js";
export { normalizeTitle } from "./titles.js";
export * from "./types.js";
export { type MapUsersOptions, mapUsers } from "./users.js";
