import { spawn } from "node:child_process";
import { BIN } from "../helpers/dist.js";

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `plexodus args…` as a child process. `shellPrefix` (e.g. `ulimit -f 64;`) runs in a
 * POSIX shell before exec'ing node; `nodeArgs` go to node itself (e.g. `--require x.cjs`).
 */
export function runProcess(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; shellPrefix?: string; nodeArgs?: string[] },
): Promise<ProcessResult> {
  const argv = [process.execPath, ...(options.nodeArgs ?? []), BIN, ...args];
  const child = options.shellPrefix
    ? spawn("/bin/sh", ["-c", `${options.shellPrefix} exec "$@"`, "sh", ...argv], {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? "", ...options.env },
      })
    : spawn(argv[0]!, argv.slice(1), {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? "", ...options.env },
      });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((done) => {
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
