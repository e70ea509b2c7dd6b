import { optionLabel } from "../../config/options.js";
import { PlexodusError } from "../../errors.js";
import { HttpClient, type RequestEvent, type ResponseEvent } from "../../http/client.js";
import { type Service, serverLabel } from "../../http/errors.js";
import { redactCredentials } from "../../http/redact.js";
import { type Progress, SILENT_PROGRESS } from "../../progress.js";
import { EnvelopeSchema, HistoryDataSchema, type TautulliHistoryRow } from "./schema.js";

export interface TautulliOptions {
  /** Tautulli base URL, a base path allowed (`http://nas:8181/tautulli`). */
  url: string;
  apiKey: string;
  timeoutSeconds?: number;
  /** Rows per `get_history` page (default 1000). */
  pageSize?: number;
  caFile?: string | undefined;
  insecure?: boolean | undefined;
  onRequest?: (event: RequestEvent) => void;
  /** `--log`: every request once it ended. */
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  sleep?: (ms: number) => Promise<void>;
}

/** One finished play as Tautulli recorded it, before it is tied to an account and an item. */
export interface TautulliPlay {
  userName: string | null;
  /** plex.tv id: for the owner too, so never account 1. */
  plexTvUserId: number | null;
  ratingKey: string | null;
  guid: string | null;
  viewedAtMs: number;
}

/** How errors name Tautulli and the options that fix a refused key or a wrong URL. */
export const TAUTULLI_SERVICE: Service = {
  name: "Tautulli",
  credential: "API key",
  credentialOption: optionLabel("tautulliApiKey"),
  credentialHelp: "it is under Tautulli → Settings → Web Interface → API, where the API must be enabled.",
  urlOption: optionLabel("tautulliUrl"),
  urlParts: "scheme, host, port, usually 8181, and any base path",
};

/** Plays of these media types are history plexodus can migrate. */
const MEDIA_TYPES = new Set(["movie", "episode", "track"]);

/**
 * Every row of `get_history`, paged with `start`/`length` until `recordsFiltered` is reached,
 * oldest first so plays recorded meanwhile land on later pages. Grouped (`grouping=1`), so a
 * play resumed over several sessions is one row; only rows that reached Tautulli's watched
 * threshold (`watched_status` 1) count, as Plex's own history counts watched plays.
 */
export async function readTautulliHistory(
  options: TautulliOptions,
  progress: Progress = SILENT_PROGRESS,
): Promise<{ plays: TautulliPlay[]; rowCount: number; skippedRows: number }> {
  const http = new HttpClient({
    service: TAUTULLI_SERVICE,
    baseUrl: options.url,
    secrets: [options.apiKey],
    timeoutSeconds: options.timeoutSeconds ?? 30,
    concurrency: 1,
    caFile: options.caFile,
    insecure: options.insecure,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    onResponse: options.onResponse,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const pageSize = Math.max(1, options.pageSize ?? 1000);
  const task = progress.task("reading Tautulli history");
  const plays: TautulliPlay[] = [];
  let rowCount = 0;
  let skippedRows = 0;
  try {
    for (let start = 0; ; ) {
      const rows = await page(http, options, start, pageSize);
      task.setTotal(rows.total);
      task.tick(rows.data.length);
      rowCount += rows.data.length;
      for (const row of rows.data) {
        const play = toPlay(row);
        if (play) plays.push(play);
        else skippedRows++;
      }
      start += rows.data.length;
      if (rows.data.length === 0 || start >= rows.total) break;
    }
  } finally {
    task.finish();
    http.close();
  }
  return { plays, rowCount, skippedRows };
}

async function page(http: HttpClient, options: TautulliOptions, start: number, length: number) {
  const envelope = await get(http, options.apiKey, start, length);
  const { result, message, data } = envelope.response;
  const server = serverLabel(TAUTULLI_SERVICE, http.serverUrl);
  if (result !== "success") {
    const said = redactCredentials(message ?? "no message", [options.apiKey]);
    throw new PlexodusError("failed", `${server} answered get_history with an error: ${said}`, {
      hint: `Check ${TAUTULLI_SERVICE.credentialOption}: ${TAUTULLI_SERVICE.credentialHelp}`,
    });
  }
  const parsed = HistoryDataSchema.safeParse(data);
  if (!parsed.success) {
    throw new PlexodusError("failed", `unexpected get_history answer from ${server}`, {
      hint: "Report it with the Tautulli version.",
    });
  }
  return { data: parsed.data.data, total: parsed.data.recordsFiltered ?? parsed.data.recordsTotal ?? 0 };
}

function get(http: HttpClient, apiKey: string, start: number, length: number) {
  return http.get("/api/v2", {
    schema: EnvelopeSchema,
    query: {
      apikey: apiKey,
      cmd: "get_history",
      grouping: 1,
      order_column: "date",
      order_dir: "asc",
      start,
      length,
    },
  });
}

function toPlay(row: TautulliHistoryRow): TautulliPlay | null {
  if (row.media_type === undefined || !MEDIA_TYPES.has(row.media_type)) return null;
  if ((row.watched_status ?? 0) < 1) return null;
  const seconds = row.stopped || row.started || row.date;
  if (seconds === undefined || seconds <= 0) return null;
  return {
    userName: row.user ?? null,
    plexTvUserId: row.user_id ?? null,
    ratingKey: row.rating_key === undefined ? null : String(row.rating_key),
    guid: row.guid ?? null,
    viewedAtMs: seconds * 1000,
  };
}
