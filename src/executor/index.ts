export { ACTION_RETRY, type RetryPolicy } from "../retry.js";
export {
  type ActionIssue,
  type ApplyOptions,
  type ApplyResult,
  applyPlan,
  type ResumeState,
} from "./apply.js";
export { JOURNAL_FORMAT_VERSION, Journal, JournalWriteError } from "./journal/index.js";
export { type RollbackIssue, type RollbackOptions, type RollbackResult, rollback } from "./rollback.js";
