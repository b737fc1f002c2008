import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch } from 'undici';
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import { formatSeconds, oneLine } from './format.ts';

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

class FingerprintMismatch extends Error {
  constructor(readonly presented: string) {
    super('certificate fingerprint mismatch');
  }
}

function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

/**
 * A connector that accepts exactly one certificate, by SHA-256 fingerprint, whoever signed it.
 * Node skips `checkServerIdentity` when chain verification already failed (self-signed), so the
 * check runs on the connected socket instead. Session caching is off so every connection shows
 * its certificate.
 */
function pinnedConnector(fingerprint: string, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0, timeout: timeoutMs });
  return (options, callback) =>
    connect(options, (...args) => {
      const [error, socket] = args;
      if (error !== null) return callback(error, null);
      if (!('getPeerCertificate' in socket)) return callback(null, socket);
      const presented = (socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '';
      const presentedHex = presented.replace(/:/g, '').toLowerCase();
      if (presentedHex !== fingerprint) {
        socket.destroy();
        return callback(new FingerprintMismatch(presentedHex), null);
      }
      return callback(null, socket);
    });
}

const UNREACHABLE_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  EPROTO: 'TLS handshake failed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is it http rather than https?)',
};

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Every error in a cause chain, including the members of AggregateErrors (one per address tried). */
function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const queue = [error];
  while (queue.length > 0 && chain.length < 20) {
    const next = queue.shift();
    if (next === undefined || next === null) continue;
    chain.push(next);
    if (typeof next === 'object') {
      if ('cause' in next) queue.push(next.cause);
      if ('errors' in next && Array.isArray(next.errors)) queue.push(...next.errors);
    }
  }
  return chain;
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name: unknown }).name)
    : undefined;
}

function classifyThrown(error: unknown, options: JsonClientOptions): Failure {
  const { name, fingerprintSetting = 'the fingerprint setting' } = options.service;
  const chain = errorChain(error);
  const mismatch = chain.find((item) => item instanceof FingerprintMismatch);
  if (mismatch instanceof FingerprintMismatch) {
    return {
      kind: 'fingerprint',
      problem: `${name}'s certificate fingerprint does not match ${fingerprintSetting}: the server presents ${colonHex(mismatch.presented)}`,
    };
  }
  if (chain.some((item) => nameOf(item) === 'TimeoutError' || codeOf(item) === 'UND_ERR_CONNECT_TIMEOUT')) {
    return { kind: 'timeout', problem: `${name} did not answer within ${formatSeconds(options.timeoutMs)}` };
  }
  for (const item of chain) {
    const code = codeOf(item);
    if (code && CERTIFICATE_CODES.has(code)) {
      return {
        kind: 'untrusted-certificate',
        problem: `${name}'s certificate is not trusted (${code}): set ${fingerprintSetting} to pin it`,
      };
    }
  }
  for (const item of chain) {
    const code = codeOf(item);
    const reason = code ? UNREACHABLE_REASONS[code] : undefined;
    if (reason) return { kind: 'unreachable', problem: `${name} is unreachable: ${reason}` };
  }
  const deepest = chain.at(-1);
  const message = deepest instanceof Error ? deepest.message : String(deepest);
  return { kind: 'unreachable', problem: `${name} is unreachable: ${oneLine(message, 120)}` };
}

function classifyStatus(status: number, body: string, options: JsonClientOptions): Failure {
  const { name, credentialSettings } = options.service;
  if (status === 401) {
    return {
      kind: 'credentials',
      status,
      problem: `${name} says the credentials are wrong (HTTP 401): check ${credentialSettings}`,
    };
  }
  if (status === 403) {
    return {
      kind: 'credentials',
      status,
      problem: `${name} refused access (HTTP 403): the credentials are wrong or lack permission; check ${credentialSettings}`,
    };
  }
  const detail = oneLine(body, 160);
  return { kind: 'http', status, problem: `${name} answered HTTP ${status}${detail ? `: ${detail}` : ''}` };
}

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
 */
export function createJsonClient(options: JsonClientOptions): JsonClient {
  const scrub = scrubber(options.secrets);
  const agent = options.fingerprint
    ? new Agent({ connect: pinnedConnector(options.fingerprint, options.timeoutMs) })
    : new Agent({ connect: { timeout: options.timeoutMs } });

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

  return { request, requestText, close: () => agent.destroy() };
}
