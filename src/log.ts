import { closeSync, openSync, writeSync } from "node:fs";
import type { ResponseEvent } from "./http/client.js";
import { redactCredentials } from "./http/redact.js";

/**
 * The `--log` file: one JSON line per request and per decision, for support. It names people
 * and titles (that is what a decision is about) but never a secret: URLs carry none, and every
 * line passes the redactor on its way out.
 */
export type LogEvent =
  | ({ type: "request" } & ResponseEvent)
  | {
      type: "decision";
      /** user, match, unmatched, skip, planned, outcome. */
      decision: string;
      /** Who or what it is about: a person, a title, an action key. */
      subject: string;
      [detail: string]: unknown;
    };

/** Where log lines go; the pipeline calls it, the CLI decides whether anything is written. */
export type RecordEvent = (event: LogEvent) => void;

/** Flush when this much is buffered: sync writes, but not one per line of a 200,000-item run. */
const FLUSH_BYTES = 64 * 1024;

/** A log file opened for appending (mode 0600: it names people and what they watched). */
export class RunLog {
  private readonly fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly redact: (text: string) => string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.fd = openSync(path, "a", 0o600);
  }

  readonly record: RecordEvent = (event) => {
    if (this.closed) return;
    const line = `${redactCredentials(this.redact(JSON.stringify({ time: this.now().toISOString(), ...event })))}\n`;
    this.buffer.push(line);
    this.buffered += line.length;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  };

  flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(""));
    this.buffer = [];
    this.buffered = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}
