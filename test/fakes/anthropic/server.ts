import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ImageBlock,
  lastUserImages,
  lastUserText,
  parseMessagesRequest,
  toolResultsOf,
} from './request.ts';
import {
  type AssistantContent,
  outputTokens,
  type ResponseContext,
  sendError,
  sendJson,
  sendStream,
  sendUsageLimit,
} from './respond.ts';
import { echoScript } from './scripts.ts';
import type { ErrorStatus, ModelReply, ModelTurn, RecordedRequest, Script } from './types.ts';

export interface FakeAnthropicOptions {
  script?: Script;
  /** The title the fake gives a new session when Claude Code asks for one. */
  title?: string;
  /** The clock of `receivedAt` and `finishedAt` (default `Date.now`). */
  now?: () => number;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>`: use as ANTHROPIC_BASE_URL. */
  readonly baseUrl: string;
  /** Main-loop requests, in arrival order (title requests are in `titleRequests`). */
  readonly requests: readonly RecordedRequest[];
  readonly titleRequests: readonly RecordedRequest[];
  /** Everything that is not `POST /v1/messages`, e.g. `HEAD /api/hello`. */
  readonly otherRequests: readonly { method: string; url: string }[];
  setScript(script: Script): void;
  /**
   * For `ms` from now every `POST /v1/messages` (title requests too) is answered with `status`
   * (default 529, overloaded) before the script is asked, as a real outage of the API would be.
   */
  failFor(ms: number, status?: ErrorStatus): void;
  /** How many requests an outage of `failFor` has answered with its error so far. */
  readonly outageAnswers: number;
  lastUserText(request: RecordedRequest): string;
  /** The images of a request's newest user turn. */
  lastUserImages(request: RecordedRequest): ImageBlock[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A scripted Anthropic Messages API on loopback, for the real `claude` binary to talk to. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  let script = options.script ?? echoScript;
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const titleRequests: RecordedRequest[] = [];
  const otherRequests: { method: string; url: string }[] = [];
  /** tool_use id → the text to answer once its tool_result comes back. */
  const pendingThenText = new Map<string, string>();
  let seq = 0;
  let ids = 0;
  let outage: { until: number; status: ErrorStatus } | undefined;
  let outageAnswers = 0;

  async function decide(request: RecordedRequest): Promise<ModelReply> {
    const toolResults = toolResultsOf(request.messages);
    for (const result of toolResults) {
      const thenText = pendingThenText.get(result.toolUseId);
      if (thenText !== undefined) {
        pendingThenText.delete(result.toolUseId);
        return { text: thenText };
      }
    }
    const turn: ModelTurn = {
      userText: lastUserText(request.messages),
      images: lastUserImages(request.messages),
      messages: request.messages,
      system: request.system,
      toolResults,
      request,
    };
    return script(turn);
  }

  async function answerMessages(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now();
    const raw = await readBody(req);
    let parsed: ReturnType<typeof parseMessagesRequest>;
    try {
      parsed = parseMessagesRequest(raw);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: String(error) } }),
      );
      return;
    }
    if (outage && Date.now() < outage.until) {
      outageAnswers += 1;
      return sendError(res, outage.status);
    }
    seq += 1;
    const request: RecordedRequest = {
      ...parsed,
      seq,
      isTitleRequest: parsed.tools.length === 0,
      headers: req.headers,
      receivedAt,
    };
    res.once('finish', () => {
      request.finishedAt = now();
    });
    const context: ResponseContext = {
      messageId: `msg_fake_${++ids}`,
      model: parsed.model,
      inputTokens: Math.max(1, Math.ceil(raw.length / 4)),
    };
    const send = (content: AssistantContent, cutOffAfterChars?: number): Promise<void> | void => {
      request.reportedUsage = { inputTokens: context.inputTokens, outputTokens: outputTokens(content) };
      return parsed.stream
        ? sendStream(res, content, context, cutOffAfterChars)
        : sendJson(res, content, context);
    };

    if (request.isTitleRequest) {
      titleRequests.push(request);
      const text = JSON.stringify({ title: options.title ?? 'Fake session' });
      return send({ kind: 'text', chunks: [text], chunkDelayMs: 0 });
    }
    requests.push(request);

    let reply: ModelReply;
    try {
      reply = await decide(request);
    } catch (error) {
      return sendError(
        res,
        500,
        `fake script failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if ('error' in reply) return sendError(res, reply.error, reply.message);
    if ('usageLimit' in reply) return sendUsageLimit(res, reply.usageLimit.resetsAt, reply.usageLimit.claim);
    if ('toolUse' in reply) {
      const id = `toolu_fake_${String(++ids).padStart(4, '0')}`;
      if (reply.thenText !== undefined) pendingThenText.set(id, reply.thenText);
      return send({ kind: 'tool_use', id, name: reply.toolUse.name, input: reply.toolUse.input });
    }
    if ('cutOffAfterChars' in reply) {
      return send({ kind: 'text', chunks: [reply.text], chunkDelayMs: 0 }, reply.cutOffAfterChars);
    }
    // sendStream writes the first delta before its first wait: this is its moment, to the µs.
    request.firstDeltaAt = now();
    return send({
      kind: 'text',
      chunks: reply.chunks ?? [reply.text],
      chunkDelayMs: reply.chunkDelayMs ?? 0,
    });
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && (url === '/v1/messages' || url.startsWith('/v1/messages?'))) {
      answerMessages(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, String(error));
        else res.destroy();
      });
      return;
    }
    otherRequests.push({ method: req.method ?? '', url });
    req.resume();
    if (url === '/api/hello' || url.startsWith('/api/hello?')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : '{}');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `Not found: ${url}` } }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    titleRequests,
    otherRequests,
    setScript(next) {
      script = next;
    },
    failFor(ms, status = 529) {
      outage = { until: Date.now() + ms, status };
    },
    get outageAnswers() {
      return outageAnswers;
    },
    lastUserText: (request) => lastUserText(request.messages),
    lastUserImages: (request) => lastUserImages(request.messages),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
