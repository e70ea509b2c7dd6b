export { buildReport, type ReportInput } from "./build.js";
export type { ReportData } from "./data.js";
export { renderReport } from "./html.js";
export { REPORT_LIMITS, REPORT_SIZE_BUDGET_BYTES } from "./limits.js";
export { reportOptions } from "./options.js";
export type { ReadSides } from "./source-facts.js";
export { whatMoved } from "./what-moved.js";
