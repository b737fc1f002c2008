import { formatSeconds, oneLine } from './format.ts';
import type { Failure, JsonClientOptions } from './http.ts';
import { colonHex, FingerprintMismatch } from './pinned-tls.ts';

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

/** A request that threw: a pinned certificate not matching, a timeout, an untrusted certificate, or no connection. */
export function classifyThrown(error: unknown, options: JsonClientOptions): Failure {
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

/** A request answered with an error status: bad credentials, or another HTTP error. */
export function classifyStatus(status: number, body: string, options: JsonClientOptions): Failure {
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
