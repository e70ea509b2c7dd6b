import { z } from "zod";
import { CATEGORIES, ModeSchema, TargetKindSchema } from "../model/index.js";

/**
 * Value schemas for options. Every schema accepts what a config file gives (typed JSON/YAML
 * values) and what env vars and flags give (strings), and turns both into one typed value.
 */

const trimmed = z.string().trim();

export const nonEmptyString = trimmed.min(1, "must not be empty");

export const filePath = nonEmptyString;

export const httpUrl = nonEmptyString
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL")
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.username === "" && url.password === "";
    } catch {
      return true;
    }
  }, "must not carry a user name or password; use the token/API key options")
  .transform((value) => value.replace(/\/+$/, ""));

export const secret = nonEmptyString;

export const timeZone = nonEmptyString.refine((zone) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as Europe/Berlin or UTC");

const booleanWords: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  "1": true,
  "0": false,
  on: true,
  off: false,
};

export const flag = z.preprocess(
  (value) => (typeof value === "string" ? (booleanWords[value.trim().toLowerCase()] ?? value) : value),
  z.boolean({ error: "must be true or false" }),
);

function integerIn(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
    z
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int(`must be a whole number from ${min} to ${max}`)
      .min(min, `must be a whole number from ${min} to ${max}`)
      .max(max, `must be a whole number from ${min} to ${max}`),
  );
}

export const concurrency = integerIn(1, 64);
export const retryPasses = integerIn(0, 100);
export const retryTimeSeconds = integerIn(0, 86_400);
export const timeoutSeconds = integerIn(1, 3600);

export const ratingThreshold = z.preprocess(
  (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
  z
    .number({ error: "must be a number from 0 to 10" })
    .min(0, "must be a number from 0 to 10")
    .max(10, "must be a number from 0 to 10"),
);

/** A comma-separated list or an array of names; empty entries are dropped. */
export const nameList = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((part) => part.trim())
          .filter((part) => part !== "")
      : value,
  // An empty list would silently select nobody (e.g. `--users "$UNSET_VAR"`): refuse it.
  z
    .array(nonEmptyString, { error: "must be a comma-separated list of names" })
    .min(1, "must name at least one"),
);

export const kindList = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((part) => part.trim().toLowerCase())
          .filter((part) => part !== "")
      : value,
  z
    .array(z.enum(CATEGORIES, { error: `must list kinds from ${CATEGORIES.join(",")}` }))
    .min(1, `must list at least one of ${CATEGORIES.join(",")}`),
);

export interface Mapping {
  from: string;
  to: string;
}

function splitMapping(text: string): Mapping | string {
  const at = text.indexOf("=");
  if (at <= 0 || at === text.length - 1) return text;
  return { from: text.slice(0, at).trim(), to: text.slice(at + 1).trim() };
}

/**
 * FROM=TO pairs: a string, an array of strings, an array of {from,to}, or an object
 * {FROM: TO} in a config file.
 */
export const mappingList = z.preprocess(
  (value) => {
    if (typeof value === "string") return [splitMapping(value)];
    if (Array.isArray(value))
      return value.map((entry) => (typeof entry === "string" ? splitMapping(entry) : entry));
    if (value !== null && typeof value === "object") {
      return Object.entries(value).map(([from, to]) => ({ from, to }));
    }
    return value;
  },
  z.array(
    z.object(
      { from: nonEmptyString, to: nonEmptyString },
      { error: "each entry must look like FROM=TO with both sides non-empty" },
    ),
    { error: "must be FROM=TO pairs" },
  ),
);

export const targetKind = z.enum(["auto", ...TargetKindSchema.options], {
  error: "must be auto, jellyfin or emby",
});
export const mode = z.enum(ModeSchema.options, { error: "must be merge or mirror" });

/** Every value schema by the name the option table gives it (options.ts), for the loader. */
export const VALUE_SCHEMAS = {
  filePath,
  httpUrl,
  secret,
  timeZone,
  flag,
  concurrency,
  retryPasses,
  retryTimeSeconds,
  timeoutSeconds,
  ratingThreshold,
  nameList,
  kindList,
  mappingList,
  targetKind,
  mode,
} as const;
