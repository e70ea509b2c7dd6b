import { performance } from "node:perf_hooks";
import { Notes, TimeDecoder } from "../src/readers/plex-db/values.js";

export const description =
  "reading old Plex databases' local-time text dates (1,000,000 distinct values, 1970–2040) per zone";

const COUNT = 1_000_000;
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"];

/** Distinct wall times: a step that is not a divisor of an hour or a day visits every time of day. */
function texts(): string[] {
  const start = Date.UTC(1970, 0, 1);
  const step = Math.floor((Date.UTC(2041, 0, 1) - start) / COUNT) + 7_919;
  const pad = (n: number) => String(n).padStart(2, "0");
  const out: string[] = [];
  for (let i = 0, t = start; i < COUNT; i++, t += step) {
    const d = new Date(t);
    out.push(
      `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
        `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    );
  }
  return out;
}

export async function run(): Promise<void> {
  const values = texts();
  for (const zone of ZONES) {
    // A fresh decoder per zone: its per-text cache must not hide the conversion.
    const decoder = new TimeDecoder(zone, new Notes());
    let checksum = 0;
    const started = performance.now();
    for (const value of values) checksum += decoder.ms(value) ?? 0;
    const ms = performance.now() - started;
    console.log(
      `${zone.padEnd(20)} ${Math.round((COUNT / ms) * 1000).toLocaleString("en-US")} values/s ` +
        `(${(ms / 1000).toFixed(2)} s, checksum ${checksum % 1_000_003})`,
    );
  }
}
