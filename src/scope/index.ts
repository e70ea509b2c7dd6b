export { applyScope, nameKey, type ScopeOptions, type ScopeResult } from "./scope.js";
