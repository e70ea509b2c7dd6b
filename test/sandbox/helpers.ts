import { afterEach } from "vitest";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";

export const PERSONALITIES = [
  { kind: "jellyfin", version: "10.8" },
  { kind: "jellyfin", version: "10.9" },
  { kind: "jellyfin", version: "10.10" },
  { kind: "jellyfin", version: "10.11" },
  { kind: "jellyfin", version: "12.0" },
  { kind: "emby", version: "4.7" },
  { kind: "emby", version: "4.8" },
  { kind: "emby", version: "4.9" },
  { kind: "emby", version: "4.10" },
] as const;

/** Jellyfin 12: legacy credentials and the /emby prefix refused, duplicates kept (target-apis §12). */
export const isJellyfin12 = (kind: string, version: string) => kind === "jellyfin" && version === "12.0";

export const JELLYFIN = PERSONALITIES.filter((p) => p.kind === "jellyfin");
export const EMBY = PERSONALITIES.filter((p) => p.kind === "emby");

const running: Sandbox[] = [];

afterEach(async () => {
  while (running.length > 0) await running.pop()!.stop();
});

/** A sandbox with validation on, stopped after the test. */
export async function sandbox(options: SandboxOptions): Promise<Sandbox> {
  const started = await startSandbox({ validate: true, ...options });
  running.push(started);
  return started;
}

export interface Answer {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

/** A tiny client: API key in the MediaBrowser header (works on every personality) unless overridden. */
export async function call(
  box: Sandbox,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? box.apiKey : options.token;
  if (token !== null && !headers.Authorization) {
    headers.Authorization = `MediaBrowser Client="test", Device="vitest", DeviceId="t1", Version="1", Token="${token}"`;
  }
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(`${box.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json") && text !== "") body = JSON.parse(text);
  return { status: response.status, body, text, headers: response.headers };
}

/** Logs a user in and returns their token. */
export async function login(box: Sandbox, name: string, password: string): Promise<string> {
  const answer = await call(box, "POST", "/Users/AuthenticateByName", {
    token: null,
    headers: {
      Authorization: `MediaBrowser Client="test", Device="vitest", DeviceId="dev-${name}", Version="1"`,
    },
    body: { Username: name, Pw: password },
  });
  if (answer.status !== 200) throw new Error(`login ${name}: ${answer.status} ${answer.text}`);
  return (answer.body as { AccessToken: string }).AccessToken;
}

export async function userId(box: Sandbox, name: string): Promise<string> {
  const path = box.kind === "jellyfin" ? "/Users" : "/Users/Query";
  const answer = await call(box, "GET", path);
  const users = (Array.isArray(answer.body) ? answer.body : (answer.body as { Items: unknown[] }).Items) as {
    Id: string;
    Name: string;
  }[];
  const user = users.find((u) => u.Name === name);
  if (!user) throw new Error(`no user ${name}`);
  return user.Id;
}
