import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { PlexodusError } from "../errors.js";

/** 24 random bytes: 32 URL-safe characters, well beyond any guessing. */
export function strongPassword(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Appends `name<TAB>password` to the credentials file (mode 0600) and fsyncs it, so the
 * password is on disk before the user exists. If a crash repeats a creation, the file holds
 * one line per attempt; the last line for a name is the one that counts.
 */
export function saveCredentials(file: string, name: string, password: string): string {
  if (/[\t\r\n]/.test(name)) {
    throw new PlexodusError(
      "failed",
      `user name ${JSON.stringify(name)} cannot be written to the credentials file`,
    );
  }
  const path = resolve(file);
  let fd: number | undefined;
  try {
    fd = openSync(path, "a", 0o600);
    // A file that existed with wider permissions is tightened: it holds passwords.
    fchmodSync(fd, 0o600);
    writeSync(fd, `${name}\t${password}\n`);
    fsyncSync(fd);
  } catch (error) {
    throw new PlexodusError("failed", `cannot write the credentials file ${path}`, {
      hint: "No user was created. Fix the file's location or permissions and rerun.",
      cause: error,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return path;
}
