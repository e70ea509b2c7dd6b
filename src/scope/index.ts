export { applyScope, type ScopeOptions, type ScopeResult } from "./scope.js";
