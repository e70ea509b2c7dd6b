export {
  JOURNAL_FORMAT_VERSION,
  type JournalTarget,
  JournalWriteError,
  journalUrl,
  type OpenOptions,
} from "./open.js";
export type { ActionInfo, ActionStatus, Created, JournalRow, RollbackStatus } from "./rows.js";
export { Journal } from "./transitions.js";
