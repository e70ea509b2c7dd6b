export { actionCategories, buildPlan, countActions, type PlanInput, type PlanOptions } from "./build.js";
export { displayTitle, neededUserData } from "./context.js";
export { type DriftEntry, findDrift, renderDrift } from "./drift.js";
export * from "./plan.js";
export { type RenderOptions, renderPlan } from "./render.js";
export { cloneTargetState, emptyTargetState, type TargetState } from "./state.js";
export { type PlanSummary, planTotalsLine, summarizePlan } from "./summary.js";
export { combineStates, type SourceState, wantedChange } from "./userdata.js";
