import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { registerApply } from "./apply.js";
import { registerDemo } from "./demo.js";
import { registerInspect } from "./inspect.js";
import { registerMigrate } from "./migrate.js";
import { registerPlan } from "./plan.js";
import { registerRollback } from "./rollback.js";
import { registerSandbox } from "./sandbox.js";
import { registerVerify } from "./verify.js";

/** What a command's registration gets: lazy context and a way to set the exit code. */
export interface Registration {
  context(): CommandContext;
  setExitCode(code: number): void;
}

export type RegisterCommand = (program: Command, registration: Registration) => void;

/** Commands are added here by the issues that implement them; none is a placeholder. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerInspect,
  registerPlan,
  registerApply,
  registerMigrate,
  registerVerify,
  registerRollback,
  registerDemo,
  registerSandbox,
];
