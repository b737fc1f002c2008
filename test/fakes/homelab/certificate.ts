import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface SelfSignedCertificate {
  key: string;
  cert: string;
  /** Lower-case hex SHA-256, as PBS_FINGERPRINT is normalised. */
  fingerprint: string;
  /** As Proxmox shows it: `AB:CD:…`. */
  fingerprintWithColons: string;
}

/** A fresh self-signed certificate for localhost, made with openssl, as Proxmox makes its own. */
export async function makeSelfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days',
      '2',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    const [key, cert] = await Promise.all([fs.readFile(keyFile, 'utf8'), fs.readFile(certFile, 'utf8')]);
    const fingerprintWithColons = new X509Certificate(cert).fingerprint256;
    return {
      key,
      cert,
      fingerprintWithColons,
      fingerprint: fingerprintWithColons.replace(/:/g, '').toLowerCase(),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
