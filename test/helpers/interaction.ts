import type { Interaction } from "../../src/pipeline/interaction.js";
import { SILENT_PROGRESS } from "../../src/progress.js";

/** A pipeline's interaction with no terminal: no progress, no Ctrl-C, every question answered yes. */
export const QUIET: Interaction = {
  progress: () => ({ ...SILENT_PROGRESS, stop() {} }),
  interrupt: () => ({ signal: new AbortController().signal, dispose() {} }),
  confirm: async () => true,
  warn: () => undefined,
  notice: () => undefined,
};
