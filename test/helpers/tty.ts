import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import type { Io } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { BIN } from "./dist.js";

/** A stream that says it is a terminal of `columns` columns, collecting what is written. */
export function fakeTerminal(columns = 80): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  Object.assign(stream, { isTTY: true, columns });
  let text = "";
  stream.on("data", (chunk) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

/**
 * Runs the CLI in-process as if at a terminal: stdout and stderr are one terminal, as in a
 * shell; stdin is not (so nothing is asked). Returns the exit code and everything written.
 */
export async function runOnTerminal(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; columns?: number } = {},
): Promise<{ code: number; output: string }> {
  const terminal = fakeTerminal(options.columns);
  const io: Io = {
    stdout: terminal.stream,
    stderr: terminal.stream,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdinIsTTY: false,
    stderrIsTTY: true,
    stdoutIsTTY: true,
  };
  const code = await runCli(args, io);
  return { code, output: terminal.text() };
}

export interface PtyRun {
  /** Everything the terminal showed so far (escape sequences included). */
  output(): string;
  /** Types on the terminal's keyboard (e.g. "\x03" is Ctrl-C, "n\r" answers a question). */
  type(keys: string): void;
  /** Resolves once `text` has appeared on the terminal. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exit: Promise<{ code: number | null; output: string }>;
  kill(): void;
}

/**
 * Runs the compiled CLI (dist/, see ./dist.ts) on a real pseudo-terminal of 80×24 through
 * util-linux `script`, so the program sees a TTY on stdin, stdout and stderr, and Ctrl-C typed
 * on it reaches the program as SIGINT from the terminal.
 */
export function runOnPty(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; nodeArgs?: string[] },
): PtyRun {
  const quoted = [process.execPath, ...(options.nodeArgs ?? []), BIN, ...args]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn("script", ["-q", "-e", "-c", `stty cols 80 rows 24; exec ${quoted}`, "/dev/null"], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", SHELL: "/bin/sh", TERM: "xterm", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const waiters: (() => void)[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exit = new Promise<{ code: number | null; output: string }>((done) => {
    child.on("close", (code) => {
      for (const wake of waiters.splice(0)) wake();
      done({ code, output });
    });
  });
  let exited = false;
  void exit.then(() => {
    exited = true;
  });
  return {
    output: () => output,
    type(keys) {
      child.stdin.write(keys);
    },
    async waitFor(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (typeof text === "string" ? output.includes(text) : text.test(output));
      while (!seen()) {
        if (exited) throw new Error(`the program ended before showing ${text}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}:\n${output}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 50);
        });
      }
    },
    exit,
    kill() {
      if (!exited) child.kill("SIGKILL");
    },
  };
}

/** `script` (util-linux) runs programs on a pseudo-terminal; null when it is missing. */
export function ptyUnavailable(): Promise<string | null> {
  const probe = spawn("script", ["--version"], { stdio: "ignore" });
  return new Promise((done) => {
    probe.on("error", () => done("util-linux `script` is not installed"));
    probe.on("close", (code) => done(code === 0 ? null : "util-linux `script` does not run"));
  });
}
