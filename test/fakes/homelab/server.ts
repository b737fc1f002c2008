import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** Faults a test can inject into any fake homelab service. */
export type Fault =
  /** Answer only after this delay (beyond the client's timeout). */
  | { kind: 'slow'; delayMs: number }
  /** 200 with a body the client cannot parse (the service's own idea of garbage). */
  | { kind: 'malformed' }
  /** 200 with this exact body. */
  | { kind: 'body'; body: string; contentType?: string }
  /** This status with a plain-text body. */
  | { kind: 'status'; status: number; body?: string };

export interface FakeRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface FakeServer {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Applies to requests whose path starts with `pathPrefix` (all when omitted) until cleared. */
  inject(fault: Fault, pathPrefix?: string): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  tls?: { key: string; cert: string };
  /** What `malformed` sends for this service. */
  malformedBody: string;
  malformedContentType?: string;
}

export const json = (status: number, value: unknown): FakeResponse => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/json',
});

export const text = (status: number, body: string): FakeResponse => ({
  status,
  body,
  contentType: 'text/plain',
});

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An HTTP(S) server on 127.0.0.1 with a request log and fault injection, shared by the homelab fakes. */
export async function startFakeServer(
  handle: (request: FakeRequest) => FakeResponse | Promise<FakeResponse>,
  options: FakeServerOptions,
): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  let faults: { fault: Fault; pathPrefix: string }[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const send = (response: ServerResponse, reply: FakeResponse) => {
    if (response.destroyed) return;
    response.writeHead(reply.status, {
      'content-type': reply.contentType ?? 'text/plain',
      ...reply.headers,
    });
    response.end(reply.body);
  };

  const listener = async (incoming: IncomingMessage, response: ServerResponse) => {
    const url = new URL(incoming.url ?? '/', 'http://fake');
    const request: FakeRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body: await readBody(incoming),
    };
    requests.push(request);
    const fault = faults.find((entry) => request.path.startsWith(entry.pathPrefix))?.fault;
    if (fault?.kind === 'malformed') {
      return send(response, {
        status: 200,
        body: options.malformedBody,
        contentType: options.malformedContentType ?? 'application/json',
      });
    }
    if (fault?.kind === 'body')
      return send(response, {
        status: 200,
        body: fault.body,
        contentType: fault.contentType ?? 'application/json',
      });
    if (fault?.kind === 'status')
      return send(response, text(fault.status, fault.body ?? `fault injected: ${fault.status}`));
    let reply: FakeResponse;
    try {
      reply = await handle(request);
    } catch (error) {
      reply = text(500, `fake server error: ${error instanceof Error ? error.message : error}`);
    }
    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(response, reply);
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    send(response, reply);
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    inject: (fault, pathPrefix = '') => {
      faults = [{ fault, pathPrefix }, ...faults];
    },
    clearFaults: () => {
      faults = [];
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
