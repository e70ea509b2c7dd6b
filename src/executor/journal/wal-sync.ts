import { closeSync, fdatasync, openSync } from "node:fs";

/**
 * Makes the journal's write-ahead log durable without blocking the event loop: fdatasync of
 * the `-wal` file on libuv's thread pool. A commit made with synchronous NORMAL has written its
 * frames to the WAL but not synced them; once a sync that started after the commit completes,
 * the commit is as durable as one made with synchronous FULL (which is that same sync, done by
 * SQLite inside the commit, on the main thread: 2–8 ms here during which no answer of the
 * target is read and no request is sent).
 *
 * The WAL file keeps its inode while the journal's connection is open (SQLite removes it only
 * when the last connection closes), so one descriptor, opened at the first sync, serves the run.
 */
export class WalSync {
  private fd: number | undefined;
  private running = 0;
  private closing = false;

  constructor(private readonly walPath: string) {}

  /** Resolves once everything written to the WAL before the call is on disk. */
  sync(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let fd: number;
      try {
        fd = this.open();
      } catch (error) {
        reject(error);
        return;
      }
      this.running += 1;
      fdatasync(fd, (error) => {
        this.running -= 1;
        if (this.closing && this.running === 0) this.release();
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Closes the descriptor, at once or when the last sync in flight has completed. */
  close(): void {
    this.closing = true;
    if (this.running === 0) this.release();
  }

  private open(): number {
    if (this.closing) throw new Error("the journal is closed");
    this.fd ??= openSync(this.walPath, "r+");
    return this.fd;
  }

  private release(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
