import type { RegisterCommand } from "../registration.js";
import { registerApply } from "./apply.js";
import { registerDemo } from "./demo.js";
import { registerInspect } from "./inspect.js";
import { registerMigrate } from "./migrate.js";
import { registerPlan } from "./plan.js";
import { registerRehearse } from "./rehearse.js";
import { registerRollback } from "./rollback.js";
import { registerSandbox } from "./sandbox.js";
import { registerVerify } from "./verify.js";

/**
 * Every command, in help order. The one file here that imports the others; commands import
 * nothing from one another (shared CLI pieces live in src/cli/, the work in src/pipeline/).
 */
export const COMMANDS: readonly RegisterCommand[] = [
  registerInspect,
  registerPlan,
  registerApply,
  registerMigrate,
  registerRehearse,
  registerVerify,
  registerRollback,
  registerDemo,
  registerSandbox,
];
