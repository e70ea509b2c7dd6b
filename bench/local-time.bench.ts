import { performance } from "node:perf_hooks";
import { Notes, TimeDecoder } from "../src/readers/plex-db/values.js";

export const description =
  "reading old Plex databases' local-time text dates: 200,000 distinct values per zone, spread over 1970–2040 or dense in 2012–2022";

const COUNT = 200_000;
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"];

/** Distinct wall times: a step that is not a divisor of an hour or a day visits every time of day. */
function texts(fromYear: number, toYear: number): string[] {
  const start = Date.UTC(fromYear, 0, 1);
  const step = Math.floor((Date.UTC(toYear + 1, 0, 1) - start) / COUNT / 1000) * 1000 - 1000;
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

// Other work on the machine slows wall times; CPU time (user + system) is reported beside it.
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const rate = (ms: number) => `${Math.round((COUNT / ms) * 1000).toLocaleString("en-US")}/s`;

export async function run(): Promise<void> {
  for (const [label, values] of [
    ["spread 1970–2040", texts(1970, 2040)],
    ["dense 2012–2022", texts(2012, 2022)],
  ] as const) {
    for (const zone of ZONES) {
      // A fresh decoder per zone: its per-text cache must not hide the conversion.
      const decoder = new TimeDecoder(zone, new Notes());
      let checksum = 0;
      const wall = performance.now();
      const cpu = cpuMs();
      for (const value of values) checksum += decoder.ms(value) ?? 0;
      const cpuSpent = cpuMs() - cpu;
      const wallSpent = performance.now() - wall;
      console.log(
        `${label} ${zone.padEnd(20)} ${rate(cpuSpent).padStart(11)} by CPU, ${rate(wallSpent).padStart(11)} by wall ` +
          `(checksum ${checksum % 1_000_003})`,
      );
    }
  }
}
