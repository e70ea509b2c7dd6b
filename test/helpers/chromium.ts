import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** Debian's browser (`apt-get install -y chromium`); playwright-core brings none of its own. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

export const hasChromium = existsSync(CHROMIUM_PATH);

export interface OpenedPage {
  /** Every request the page made after its own document. */
  requests: string[];
  consoleErrors: string[];
  page: import("playwright-core").Page;
  close(): Promise<void>;
}

/**
 * Opens an HTML file in headless Chromium from a fresh profile, offline in every way the
 * browser allows, and records what the page asks for and complains about.
 */
export async function openHtml(html: string, viewport = { width: 1200, height: 900 }): Promise<OpenedPage> {
  const dir = mkdtempSync(join(tmpdir(), "plexodus-chromium-"));
  const file = join(dir, "report.html");
  writeFileSync(file, html);
  // A fresh profile each time (Playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM_PATH,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on("request", (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  // Anything but the document itself is refused, so a stray fetch cannot reach a network.
  await page.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url, { waitUntil: "load" });
  return {
    requests,
    consoleErrors,
    page,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
