export {
  actionCategories,
  buildPlan,
  categoriesAt,
  countActions,
  type PlanInput,
  type PlanOptions,
} from "./build.js";
export {
  displayTitle,
  indexSnapshot,
  neededFromIndex,
  neededUserData,
  type SnapshotIndex,
} from "./context.js";
export { type DriftEntry, findDrift } from "./drift.js";
export { isPacked, typeAt, userDataCategoriesAt, userDataTargetAt } from "./packed.js";
export * from "./plan.js";
export { cloneTargetState, emptyTargetState, type TargetState } from "./state.js";
export {
  type ChangeKind,
  type Compared,
  comparedOf,
  countByKind,
  type PlanSummary,
  summarizePlan,
} from "./summary.js";
export { combineStates, type SourceState, wantedChange } from "./userdata.js";
