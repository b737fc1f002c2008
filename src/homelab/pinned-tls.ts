import type { TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';

/** The server presented another certificate than the pinned one. */
export class FingerprintMismatch extends Error {
  constructor(readonly presented: string) {
    super('certificate fingerprint mismatch');
  }
}

/** `ab12…` → `AB:12:…`, as Proxmox shows fingerprints. */
export function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

/**
 * A connector that accepts exactly one certificate, by SHA-256 fingerprint, whoever signed it.
 * Node skips `checkServerIdentity` when chain verification already failed (self-signed), so the
 * check runs on the connected socket instead. Session caching is off so every connection shows
 * its certificate. `build` is undici's `buildConnector` (undici is loaded on the first request).
 */
export function pinnedConnector(
  build: typeof buildConnector,
  fingerprint: string,
  timeoutMs: number,
): buildConnector.connector {
  const connect = build({ rejectUnauthorized: false, maxCachedSessions: 0, timeout: timeoutMs });
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
