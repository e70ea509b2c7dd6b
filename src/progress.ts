/**
 * How long operations report progress. Readers, indexers, matchers and the executor take a
 * `Progress` and never know whether a bar, plain lines or nothing is behind it.
 */
export interface ProgressTask {
  /** Adds to the done count. */
  tick(count?: number): void;
  /** Sets or corrects the total once it is known. */
  setTotal(total: number): void;
  finish(): void;
}

export interface Progress {
  /** Starts a task such as "reading", "indexing", "matching", "applying". */
  task(label: string, total?: number): ProgressTask;
}

const silentTask: ProgressTask = { tick() {}, setTotal() {}, finish() {} };

export const SILENT_PROGRESS: Progress = { task: () => silentTask };
