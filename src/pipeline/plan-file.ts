import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { planDigests, rememberDigests } from "../planner/digest.js";
import { type Plan, PlanFileSchema } from "../planner/plan.js";
import { checkIntegrity } from "./plan-integrity.js";
import { planFileText } from "./plan-text.js";

/**
 * Writes a plan file atomically (temp file, fsync, rename) with mode 0600: plans name people
 * and what they watched, which is private even though they hold no secrets. The file ends
 * with the digests of its content, so `apply` can refuse it once edited. The text is written
 * piece by piece (planFileText), never held whole: a plan of millions of actions is larger
 * than the longest string V8 can make.
 */
export function writePlanFile(path: string, plan: Plan): void {
  writePrivateFileWith(path, "the plan", (write) => planFileText(plan, planDigests(plan), write));
}

/** Atomic write (temp file, fsync, rename) with mode 0600, for files that name people. */
export function writePrivateFile(path: string, text: string, what: string): void {
  writePrivateFileWith(path, what, (write) => write(text));
}

/** Text is gathered into pieces of about this many characters before each write. */
const WRITE_CHUNK = 1 << 20;

/** writePrivateFile for text produced in pieces: `produce` hands them to `write` in order. */
function writePrivateFileWith(
  path: string,
  what: string,
  produce: (write: (text: string) => void) => void,
): void {
  const temporary = `${path}.tmp-${process.pid}`;
  const cannot = (error: unknown) =>
    new ConfigError(`cannot write ${what} to ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      hint: "Give --out a path in an existing, writable folder with free space.",
    });
  let fd: number;
  try {
    fd = openSync(temporary, "w", 0o600);
  } catch (error) {
    throw cannot(error);
  }
  try {
    let pending = "";
    const flush = () => {
      writeAll(fd, Buffer.from(pending, "utf8"));
      pending = "";
    };
    produce((text) => {
      pending += text;
      if (pending.length >= WRITE_CHUNK) flush();
    });
    flush();
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    // Only the file system's refusals are the person's to fix; anything else is a bug.
    throw typeof (error as NodeJS.ErrnoException).code === "string" ? cannot(error) : error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw cannot(error);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/**
 * Reads a plan written by `plan --out`: valid JSON of a known version, with an integrity
 * block, valid by the schema, and unchanged since it was written. Anything else is refused
 * (exit 3) before the target is contacted.
 */
export function readPlanFile(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        hint: "Give the file written by `plexodus plan --out FILE`.",
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`plan file ${path} is not JSON`, {
      hint: "Give the file written by `plexodus plan --out FILE`.",
    });
  }
  if (typeof json === "object" && json !== null && "version" in json && json.version !== 1) {
    throw new ConfigError(
      `plan file ${path} has format version ${String(json.version)}; this plexodus reads 1`,
      {
        hint: "Make the plan again with this version of plexodus.",
      },
    );
  }
  if (typeof json === "object" && json !== null && !("integrity" in json)) {
    throw new ConfigError(
      `plan file ${path} has no integrity digest: it was made by an older plexodus (or not by \`plan --out\`): make a new plan`,
      { hint: "Make a new plan with `plexodus plan --out FILE`, review it, and apply that file." },
    );
  }
  const parsed = PlanFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `plan file ${path} is not a valid plan: ${issue?.path.join(".")}: ${issue?.message}`,
      {
        hint: "Make a new plan with `plexodus plan --out FILE`; do not edit plan files by hand.",
      },
    );
  }
  const { integrity, ...plan } = parsed.data;
  // The digests are taken over the file's own JSON, so a field the schema would drop counts too.
  const digests = checkIntegrity(path, json as Record<string, unknown>, integrity);
  rememberDigests(plan, digests);
  return plan;
}
