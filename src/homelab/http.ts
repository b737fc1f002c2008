import type { Agent, fetch } from 'undici';
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import { classifyStatus, classifyThrown } from './failures.ts';
import { pinnedConnector } from './pinned-tls.ts';

/** Errors are values at the edges: every request ends in one of these, never in a throw. */
export type Result<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export type FailureKind =
  | 'unreachable'
  | 'timeout'
  | 'credentials'
  | 'malformed'
  | 'fingerprint'
  | 'untrusted-certificate'
  | 'http';

export interface Failure {
  kind: FailureKind;
  /** One line for the user, naming the service; never contains a secret. */
  problem: string;
  status?: number;
}

/** What a failure line needs to know about the service it talks about. */
export interface ServiceInfo {
  /** `Proxmox Backup Server` */
  name: string;
  /** The settings to check when credentials are refused: `PBS_TOKEN_ID and PBS_TOKEN_SECRET`. */
  credentialSettings: string;
  /** The setting that pins the certificate, for services reached over HTTPS: `PBS_FINGERPRINT`. */
  fingerprintSetting?: string;
}

export interface JsonClientOptions {
  service: ServiceInfo;
  baseUrl: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Lower-case hex SHA-256 of the server certificate: replaces CA verification for this client only. */
  fingerprint?: string;
  /** Values scrubbed from every failure line and log entry. */
  secrets: string[];
  logger?: Logger;
}

export interface JsonRequest<T> {
  path: string;
  schema: z.ZodType<T>;
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
}

export interface JsonClient {
  request<T>(request: JsonRequest<T>): Promise<Result<T>>;
  /** For text bodies (Prometheus metrics): the same failures, minus JSON parsing. */
  requestText(path: string, headers?: Record<string, string>): Promise<Result<string>>;
  close(): Promise<void>;
}

/** Numbers as services send them: JSON numbers, or numeric strings (PVE load averages). */
export const looseNumber = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
    .transform(Number),
]);

function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected shape';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

export function scrubber(secrets: readonly string[]): (text: string) => string {
  const hidden = secrets.filter((secret) => secret.length >= 4);
  return (text) => hidden.reduce((result, secret) => result.split(secret).join('[REDACTED]'), text);
}

/**
 * A JSON-over-HTTP client for one service, on its own undici Agent (and undici's own fetch, which
 * the Agent belongs with). With a fingerprint, that Agent pins the certificate; without one, the
 * system CAs verify it as usual.
 *
 * undici is imported on the client's first request, not with the bot: it holds about 10 MB of the
 * bot's memory, and a bot without homelab settings (or not asked for a status yet) never needs it.
 */
export function createJsonClient(options: JsonClientOptions): JsonClient {
  const scrub = scrubber(options.secrets);
  let transport: Promise<{ agent: Agent; fetch: typeof fetch }> | undefined;
  const connected = () =>
    (transport ??= import('undici').then((undici) => ({
      agent: new undici.Agent({
        connect: options.fingerprint
          ? pinnedConnector(undici.buildConnector, options.fingerprint, options.timeoutMs)
          : { timeout: options.timeoutMs },
      }),
      fetch: undici.fetch,
    })));

  const fail = <T>(failure: Failure, path: string): Result<T> => {
    const safe = { ...failure, problem: scrub(failure.problem) };
    options.logger?.warn({ service: options.service.name, path, kind: safe.kind }, safe.problem);
    return { ok: false, failure: safe };
  };

  async function send(
    path: string,
    init: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string>; accept: string },
  ): Promise<Result<string>> {
    const where = path.split('?')[0] ?? path;
    let status: number;
    let text: string;
    try {
      const { agent, fetch } = await connected();
      const response = await fetch(`${options.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        dispatcher: agent,
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: {
          accept: init.accept,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      return fail(classifyThrown(error, options), where);
    }
    if (status < 200 || status > 299) return fail(classifyStatus(status, text, options), where);
    return { ok: true, value: text };
  }

  async function request<T>({ path, schema, method, body, headers }: JsonRequest<T>): Promise<Result<T>> {
    const where = path.split('?')[0] ?? path;
    const sent = await send(path, { method, body, headers, accept: 'application/json' });
    if (!sent.ok) return sent;
    const malformed = (why: string) =>
      fail<T>(
        {
          kind: 'malformed',
          problem: `${options.service.name} sent a malformed response to ${where}: ${why}`,
        },
        where,
      );
    let json: unknown;
    try {
      json = JSON.parse(sent.value);
    } catch {
      return malformed('not JSON');
    }
    const parsed = schema.safeParse(json);
    return parsed.success ? { ok: true, value: parsed.data } : malformed(describeIssues(parsed.error));
  }

  const requestText = (path: string, headers?: Record<string, string>) =>
    send(path, { headers, accept: 'text/plain' });

  const close = async () => {
    const open = await transport?.catch(() => undefined);
    await open?.agent.destroy();
  };
  return { request, requestText, close };
}
