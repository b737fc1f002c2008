// HTTP routing for the fake Bot API: `/bot<token>/<method>` and `/file/bot<token>/<path>`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../../src/logging.ts';
import { monotonicMs } from '../monotonic.ts';
import { ApiError, type MethodContext, type MethodHandler } from './context.ts';
import type { FaultPlan } from './faults.ts';
import { getFile, sendDocument, sendPhoto } from './files.ts';
import type { RateLimiter } from './limits.ts';
import { deleteMessage, editMessageReplyMarkup, editMessageText, sendMessage } from './messages.ts';
import {
  answerCallbackQuery,
  deleteWebhook,
  getMe,
  getMyCommands,
  getWebhookInfo,
  sendChatAction,
  sendMessageDraft,
  setMessageReaction,
  setMyCommands,
} from './misc.ts';
import { BadRequestBody, readParams } from './params.ts';
import type { CallRecord, FakeTelegramState } from './state.ts';
import { LongPoll } from './updates.ts';

/** When a request arrived: on the fake's clock, and on the machine's monotonic clock. */
interface Arrival {
  clock: number;
  monotonic: number;
}

export interface ServerDeps {
  token: string;
  state: FakeTelegramState;
  rateLimiter: RateLimiter | null;
  faults: FaultPlan;
  /** How long a 'timeout' fault holds the request before destroying the socket. */
  timeoutFaultMs: number;
  logger?: Logger;
  onCall?: (call: CallRecord) => void;
}

export interface FakeTelegramServer {
  server: Server;
  isPolling(): boolean;
  shutdown(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.code, {
    ok: false,
    error_code: error.code,
    description: error.description,
    ...(error.parameters ? { parameters: error.parameters } : {}),
  });
}

export function createFakeTelegramServer(deps: ServerDeps): FakeTelegramServer {
  const longPoll = new LongPoll();
  const handlers = new Map<string, { name: string; handler: MethodHandler }>();
  const methods: Record<string, MethodHandler> = {
    getMe,
    getUpdates: longPoll.getUpdates,
    sendMessage,
    editMessageText,
    editMessageReplyMarkup,
    deleteMessage,
    sendChatAction,
    sendMessageDraft,
    setMyCommands,
    getMyCommands,
    setMessageReaction,
    answerCallbackQuery,
    sendDocument,
    sendPhoto,
    getFile,
    deleteWebhook,
    getWebhookInfo,
  };
  for (const [name, handler] of Object.entries(methods)) handlers.set(name.toLowerCase(), { name, handler });

  const sockets = new Set<Socket>();
  const heldTimers = new Set<NodeJS.Timeout>();

  const record = (
    method: string,
    params: Record<string, unknown>,
    at: Arrival,
    status: number,
    description?: string,
  ) => {
    const call: CallRecord = {
      method,
      params,
      at: at.clock,
      monotonicAt: at.monotonic,
      status,
      ...(description !== undefined ? { description } : {}),
    };
    deps.state.calls.push(call);
    deps.onCall?.(call);
  };

  const serveFile = (res: ServerResponse, url: URL): void => {
    const match = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (!match || match[1] !== deps.token) {
      sendError(res, new ApiError(match ? 401 : 404, match ? 'Unauthorized' : 'Not Found'));
      return;
    }
    const file = deps.state.fileByPath(decodeURIComponent(match[2] ?? ''));
    if (!file) {
      sendError(res, new ApiError(404, 'Not Found'));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
    res.end(file.bytes);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/file/')) {
      serveFile(res, url);
      return;
    }
    const match = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!match) {
      sendError(res, new ApiError(404, 'Not Found'));
      return;
    }
    if (match[1] !== deps.token) {
      sendError(res, new ApiError(401, 'Unauthorized'));
      return;
    }
    const at: Arrival = { clock: deps.state.now(), monotonic: monotonicMs() };
    const requested = match[2] ?? '';
    const entry = handlers.get(requested.toLowerCase());
    const method = entry?.name ?? requested;

    let request: Awaited<ReturnType<typeof readParams>>;
    try {
      request = await readParams(req, url);
    } catch (error) {
      const description = `Bad Request: ${error instanceof BadRequestBody ? error.message : 'invalid request'}`;
      record(method, {}, at, 400, description);
      sendError(res, new ApiError(400, description));
      return;
    }
    const recordedParams: Record<string, unknown> = { ...request.params };
    for (const [name, file] of request.files) {
      recordedParams[name] = { fileName: file.fileName, size: file.bytes.length };
    }

    const fault = entry ? deps.faults.take(entry.name) : undefined;
    if (fault) {
      if (fault.kind === 'reset') {
        record(method, recordedParams, at, 0, 'reset');
        req.socket.destroy();
      } else if (fault.kind === 'timeout') {
        record(method, recordedParams, at, 0, 'timeout');
        const timer = setTimeout(() => {
          heldTimers.delete(timer);
          req.socket.destroy();
        }, deps.timeoutFaultMs);
        heldTimers.add(timer);
      } else if (fault.kind === 429) {
        const description = `Too Many Requests: retry after ${fault.retryAfter}`;
        record(method, recordedParams, at, 429, description);
        sendError(res, new ApiError(429, description, { retry_after: fault.retryAfter }));
      } else {
        record(method, recordedParams, at, 500, 'Internal Server Error');
        sendError(res, new ApiError(500, 'Internal Server Error'));
      }
      return;
    }

    const clientGone = new Promise<void>((resolve) => {
      res.once('close', () => resolve());
    });
    const ctx: MethodContext = {
      state: deps.state,
      params: request.params,
      files: request.files,
      rateLimiter: deps.rateLimiter,
      clientGone,
    };
    try {
      if (!entry) throw new ApiError(404, 'Not Found: method not found');
      const result = await entry.handler(ctx);
      record(method, recordedParams, at, 200);
      sendJson(res, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiError)) {
        deps.logger?.error({ err: error, method }, 'fake Telegram handler failed');
        record(method, recordedParams, at, 500, 'Internal Server Error');
        sendError(res, new ApiError(500, 'Internal Server Error'));
        return;
      }
      record(method, recordedParams, at, error.code, error.description);
      sendError(res, error);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    server,
    isPolling: () => longPoll.waiting,
    shutdown: async () => {
      longPoll.closeAll();
      for (const timer of heldTimers) clearTimeout(timer);
      heldTimers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
