import type { z } from "zod";
import type { HttpClient, Query } from "../../http/client.js";
import { ServiceError } from "../../http/errors.js";
import type { TargetServerInfo } from "../../model/index.js";
import { casedQuery, type Dialect, type Route } from "./dialect.js";
import { queryResult } from "./schema.js";

/** What the adapter's parts share: one HTTP client, one dialect, the server it talks to. */
export interface Wire {
  readonly http: HttpClient;
  readonly dialect: Dialect;
  /** Parallel reads (the concurrency option). */
  readonly concurrency: number;
}

/** Page size of list requests: every list request carries startIndex and limit. */
export const PAGE_SIZE = 1000;
/** Ids per request when ids travel in the query string; keeps URLs well under 8 KB. */
export const ID_BATCH = 100;
const MAX_IDS_CHARS = 3600;

/**
 * Every element of a paged list. Stops on an empty page, on reaching TotalRecordCount, or on
 * a short page when the server gives no total; a server that ignores startIndex fails loudly
 * instead of looping.
 */
export async function fetchAll<T extends z.ZodType>(
  wire: Wire,
  route: Route,
  query: Query,
  item: T,
  onPage?: (count: number, total: number | undefined) => void,
  pageSize: number = PAGE_SIZE,
): Promise<z.infer<T>[]> {
  const schema = queryResult(item);
  const out: z.infer<T>[] = [];
  let previousFirst: string | undefined;
  for (let start = 0; ; ) {
    const paging = casedQuery(wire.dialect, { ...query, startIndex: start, limit: pageSize });
    const page = await wire.http.get(route.path, { query: { ...route.query, ...paging }, schema });
    const total = page.TotalRecordCount ?? undefined;
    const first = page.Items.length > 0 ? JSON.stringify(page.Items[0]) : undefined;
    if (start > 0 && first !== undefined && first === previousFirst) {
      throw new ServiceError("failed", `${wire.http.serverUrl} ignored paging on GET ${route.path}`);
    }
    previousFirst = first;
    out.push(...page.Items);
    start += page.Items.length;
    onPage?.(page.Items.length, total);
    if (page.Items.length === 0) break;
    if (total !== undefined ? start >= total : page.Items.length < pageSize) break;
  }
  return out;
}

/**
 * An item listing with everything stated that a server would otherwise default, so Jellyfin
 * 10.8–12.x and Emby return the same set (target-apis §12.5): recursion on (12.x recurses on
 * some filters by itself, 10.x never does), the item types, the dialect's no-folding switch,
 * and an order that keeps pages stable. `extra` adds the parent, ids, fields and the like.
 */
export function listing(wire: Wire, types: readonly string[], extra: Query = {}): Query {
  return {
    recursive: true,
    includeItemTypes: types,
    ...wire.dialect.listing,
    sortBy: ["SortName"],
    sortOrder: "Ascending",
    ...extra,
  };
}

/** Splits ids into batches bounded in count and in query-string length. */
export function batches(ids: readonly string[], size: number = ID_BATCH): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const id of ids) {
    if (current.length > 0 && (current.length >= size || chars + id.length + 1 > MAX_IDS_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(id);
    chars += id.length + 1;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Runs `work` over inputs with at most `limit` in flight, keeping result order. */
export async function mapLimit<I, O>(inputs: readonly I[], limit: number, work: (input: I) => Promise<O>) {
  const results = new Array<O>(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await work(inputs[index] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

/** Refuses ids that are not the server's own format before they reach a URL. */
export function checkId(wire: Wire, id: string, what: string): void {
  if (!wire.dialect.idPattern.test(id)) {
    throw new ServiceError(
      "failed",
      `not a ${wire.dialect.kind} ${what} id: ${JSON.stringify(id.slice(0, 40))}`,
    );
  }
}

export function unsupported(info: TargetServerInfo, what: string, hint: string | undefined): ServiceError {
  return new ServiceError("failed", `${what} is not supported on ${info.kind} ${info.version}`, { hint });
}
