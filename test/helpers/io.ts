import { PassThrough } from "node:stream";
import type { Command } from "commander";
import type { Io } from "../../src/cli/io.js";
import { createProgram, runCli } from "../../src/cli/program.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function run(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => {
    out += chunk;
  });
  stderr.on("data", (chunk) => {
    err += chunk;
  });
  const io: Io = {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdinIsTTY: false,
    stderrIsTTY: false,
  };
  const code = await runCli(args, io);
  return { code, stdout: out, stderr: err };
}

/**
 * An Io whose stdout is read line by line while the command runs, for commands that serve
 * until stopped: `linesAtLeast(n)` waits for n complete lines.
 */
export function capture(): { io: Io; linesAtLeast(n: number): Promise<string[]> } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const lines: string[] = [];
  let buffer = "";
  const waiters: (() => void)[] = [];
  stdout.on("data", (chunk) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  const io: Io = { stdout, stderr, env: {}, cwd: process.cwd(), stdinIsTTY: false, stderrIsTTY: false };
  const linesAtLeast = async (n: number) => {
    while (lines.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return lines;
  };
  return { io, linesAtLeast };
}

/** The program as the CLI builds it (output discarded), to read its commands and options from. */
export function programTree(): Command {
  const stream = new PassThrough();
  return createProgram({
    stdout: stream,
    stderr: stream,
    env: {},
    cwd: process.cwd(),
    stdinIsTTY: false,
    stderrIsTTY: false,
  }).command;
}
