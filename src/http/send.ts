import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/** What a server answered: status, headers (lower-case names) and the body, JSON-parsed when it is JSON. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  data: unknown;
}

/** The code a request that timed out fails with, as axios names it (HttpClient treats both alike). */
export const TIMED_OUT = "ECONNABORTED";

/**
 * One request on node:http(s), without axios: what the client's writes go through. A write
 * is one `request().end(body)` with its Content-Length set, so Node sends the headers and the
 * body in one write to the socket (axios writes the body as a second buffer: one `writev` of
 * two), and none of axios's per-request work (config merge, interceptors, transforms, an extra
 * keep-alive setting and timer per request) is done. Redirects are never followed: a 3xx is
 * an answer like any other, judged by the caller.
 *
 * What the caller gets matches what axios gave it: the body as text, parsed as JSON when it
 * parses (a byte-order mark removed first), "" when empty; network errors as Node raises them
 * (their `code` is ECONNREFUSED, ECONNRESET, a TLS code…); a timeout (no byte for the
 * client's timeout, connecting included) as an error whose code is ECONNABORTED.
 */
export class Sender {
  private readonly transport: typeof http | typeof https;
  private readonly hostname: string;
  private readonly port: string;
  /** The base URL's path without its trailing slash ("" or "/jellyfin"). */
  private readonly basePath: string;

  constructor(
    base: URL,
    private readonly agent: http.Agent,
    private readonly timeoutMs: number,
    /** Sent with every request (auth, Accept). */
    private readonly headers: Readonly<Record<string, string>>,
  ) {
    this.transport = base.protocol === "https:" ? https : http;
    // URL keeps an IPv6 host in brackets; node:http wants it bare.
    this.hostname = base.hostname.replace(/^\[(.*)\]$/, "$1");
    this.port = base.port;
    this.basePath = base.pathname.replace(/\/+$/, "");
  }

  send(
    method: string,
    path: string,
    query: Readonly<Record<string, string>>,
    body: unknown,
  ): Promise<Answer> {
    const text = body === undefined ? "" : JSON.stringify(body);
    // Without a body, Node's own framing as with axios (none for DELETE, Content-Length 0 for POST).
    const headers =
      body === undefined
        ? this.headers
        : {
            ...this.headers,
            "Content-Type": "application/json",
            "Content-Length": String(Buffer.byteLength(text)),
          };
    return new Promise<Answer>((resolve, reject) => {
      const request = this.transport.request(
        {
          method,
          hostname: this.hostname,
          port: this.port,
          path: this.pathOf(path, query),
          agent: this.agent,
          headers,
          timeout: this.timeoutMs,
        },
        (response) => read(response, resolve, reject),
      );
      request.on("error", reject);
      request.on("timeout", () => {
        const error = new Error(`timeout of ${this.timeoutMs}ms exceeded`) as NodeJS.ErrnoException;
        error.code = TIMED_OUT;
        // Settled first: destroying may also end a started answer with its own error.
        reject(error);
        request.destroy(error);
      });
      request.end(text);
    });
  }

  /** The request target as axios builds it: base path, path, and the query encoded alike. */
  private pathOf(path: string, query: Readonly<Record<string, string>>): string {
    let out = `${this.basePath}/${path.replace(/^\/+/, "")}`;
    // Node refuses a path with a space or a control character; axios sent it percent-encoded.
    if (!SAFE_PATH.test(out)) out = new URL(out, "http://x").pathname;
    let separator = "?";
    for (const key in query) {
      out += `${separator}${encode(key)}=${encode(query[key]!)}`;
      separator = "&";
    }
    return out;
  }
}

/** Characters a request path may hold as they are. */
const SAFE_PATH = /^[\w\-./~%!$&'()*+,;=:@]*$/;

/** axios's query encoding: encodeURIComponent, keeping `:`, `$` and `,` and spaces as `+`. */
function encode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%3A/gi, ":")
    .replace(/%24/g, "$")
    .replace(/%2C/gi, ",")
    .replace(/%20/g, "+");
}

function read(
  response: IncomingMessage,
  resolve: (answer: Answer) => void,
  reject: (error: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  response.on("data", (chunk: Buffer) => chunks.push(chunk));
  response.on("error", reject);
  response.on("end", () => {
    try {
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        data: bodyOf(decompress(raw, response.headers["content-encoding"])),
      });
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * No Accept-Encoding is sent, so a server should not compress; one that does anyway is
 * still understood, as axios understood it.
 */
function decompress(raw: Buffer, encoding: string | undefined): Buffer {
  if (raw.length === 0 || encoding === undefined) return raw;
  switch (encoding.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(raw);
    case "deflate":
      return inflateSync(raw);
    case "br":
      return brotliDecompressSync(raw);
    default:
      return raw;
  }
}

/** The body as axios gave it with responseType "json": parsed when it is JSON, else the text. */
function bodyOf(raw: Buffer): unknown {
  let text = raw.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === "") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
