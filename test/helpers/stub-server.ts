import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the stub saw it, with the body parsed when it is JSON. */
export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export type StubReply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Drop the connection without answering. */
  | "destroy"
  /** Never answer (for timeouts). */
  | "hang";

export interface Stub {
  url: string;
  requests: StubRequest[];
  /** Most connections open at the same time. */
  maxConnections: number;
  close(): Promise<void>;
}

/** A tiny loopback HTTP server for HTTP-layer tests; listens on an OS-chosen port. */
export async function startStub(
  handler: (request: StubRequest) => StubReply | Promise<StubReply>,
): Promise<Stub> {
  const requests: StubRequest[] = [];
  let open = 0;
  const stub: Stub = { url: "", requests, maxConnections: 0, close: async () => {} };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    const url = new URL(req.url ?? "/", "http://stub");
    const request = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    requests.push(request);
    const reply = await handler(request);
    if (reply === "hang") return;
    if (reply === "destroy") {
      req.socket.destroy();
      return;
    }
    const isText = typeof reply.body === "string";
    res.writeHead(reply.status, {
      "content-type": isText ? "text/plain" : "application/json",
      ...reply.headers,
    });
    res.end(reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body));
  });
  server.on("connection", (socket) => {
    open++;
    stub.maxConnections = Math.max(stub.maxConnections, open);
    socket.on("close", () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub;
}
