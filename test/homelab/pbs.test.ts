import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHomelab } from '../../src/homelab/index.ts';
import { type FakePbs, startFakePbs } from '../fakes/pbs/index.ts';
import { closedPort } from '../fakes/ping/index.ts';
import { type FakePve, startFakePve } from '../fakes/pve/index.ts';
import { capturingLogger, settingsFrom } from './helpers.ts';

describe('/pbs and /backups against a fake Proxmox Backup Server', () => {
  let pbs: FakePbs;
  let pve: FakePve;
  beforeAll(async () => {
    [pbs, pve] = await Promise.all([startFakePbs(), startFakePve()]);
  });
  afterAll(async () => {
    await Promise.all([pbs.close(), pve.close()]);
  });
  afterEach(() => {
    pbs.clearFaults();
    pve.clearFaults();
  });

  const homelab = (env: Record<string, string>, extra: { timeoutMs?: number } = {}) =>
    createHomelab({ settings: settingsFrom(env), timeoutMs: extra.timeoutMs ?? 3000 });

  it('shows node status, every datastore (one with an error), GC and verification', async () => {
    const text = await homelab(pbs.env).pbs();
    expect(text).toContain('Proxmox Backup Server');
    expect(text).toMatch(/Up 40d 2h/);
    expect(text).toMatch(/\*\*main\*\* 1\.5 \/ 4 TiB \(38%\) · full ~\d{4}-\d\d-\d\d/);
    expect(text).toContain('**offsite**: unable to open chunk store');
    expect(text).toMatch(/\*\*Garbage collection\*\*\n- ✅ main 4h ago/);
    expect(text).toMatch(/\*\*Verification\*\*\n- ✅ main 3h ago/);
  });

  it('sends the PBS token header exactly as PBS wants it', async () => {
    await homelab(pbs.env).pbs();
    const headers = pbs.requests.map((request) => request.headers.authorization);
    expect(new Set(headers)).toEqual(new Set([`PBSAPIToken=${pbs.tokenId}:${pbs.tokenSecret}`]));
  });

  it('lists the newest backup per guest, flagging stale ones and failed verification, and failed tasks', async () => {
    const text = await homelab({ ...pbs.env, ...pve.env }).backups();
    expect(text).toContain('3 guests · 2 need attention');
    expect(text).toMatch(/⚠️ ct\/200 dns — 1d 6h ago · 1\.1 GiB · on main · \*\*older than 26 h\*\*/);
    expect(text).toMatch(/❌ vm\/101 db — 2h ago · 32 GiB · on main · \*\*verification failed\*\*/);
    expect(text).toMatch(/✅ vm\/100 web — 3h ago · 12 GiB · on main · verified/);
    expect(text).toContain('❌ offsite: Proxmox Backup Server answered HTTP 500');
    expect(text).toContain('PBS backup vm/101 on main · 5h ago: backup failed: connection error');
    expect(text).toContain('PVE vzdump 101 on pve1 · 5h ago: job errors');
    // The 50-hour-old failure is outside the window, and the run with warnings is no failure.
    expect(text.match(/vzdump 101/g)).toHaveLength(1);
    expect(text).not.toContain('WARNINGS');
  });

  it('says PBS is not configured, naming its settings', async () => {
    expect(await homelab({}).pbs()).toBe(
      'Proxmox Backup Server is not configured: set PBS_URL, PBS_TOKEN_ID, PBS_TOKEN_SECRET',
    );
    expect(await homelab({}).backups()).toBe(
      'Proxmox Backup Server is not configured: set PBS_URL, PBS_TOKEN_ID, PBS_TOKEN_SECRET',
    );
  });

  it('says so when nothing listens at PBS_URL', async () => {
    const text = await homelab({ ...pbs.env, PBS_URL: `https://127.0.0.1:${await closedPort()}` }).pbs();
    expect(text).toContain('Proxmox Backup Server is unreachable: connection refused');
    expect(text.match(/unreachable/g)).toHaveLength(1);
  });

  it('gives up after the timeout', async () => {
    pbs.inject({ kind: 'slow', delayMs: 10_000 });
    const text = await homelab(pbs.env, { timeoutMs: 300 }).pbs();
    expect(text).toContain('Proxmox Backup Server did not answer within 0.3 s');
  });

  it('says the credentials are wrong on 401, without showing the secret', async () => {
    const { logger, text: logged } = capturingLogger();
    const settings = settingsFrom({ ...pbs.env, PBS_TOKEN_SECRET: 'not-the-right-secret-123' });
    const text = await createHomelab({ settings, logger, timeoutMs: 3000 }).pbs();
    expect(text).toContain(
      'Proxmox Backup Server says the credentials are wrong (HTTP 401): check PBS_TOKEN_ID and PBS_TOKEN_SECRET',
    );
    expect(text + logged()).not.toContain('not-the-right-secret-123');
    expect(logged()).toContain('credentials');
  });

  it('says the response is malformed', async () => {
    pbs.inject({ kind: 'malformed' }, '/api2/json/status/datastore-usage');
    const text = await homelab(pbs.env).pbs();
    expect(text).toContain('Proxmox Backup Server sent a malformed response to /status/datastore-usage');
    // The other sections still show.
    expect(text).toContain('Up 40d 2h');
  });

  it('says a body of the wrong shape is malformed, naming the field', async () => {
    pbs.inject({ kind: 'body', body: '{"data":{"uptime":"soon"}}' }, '/api2/json/nodes/localhost/status');
    const text = await homelab(pbs.env).pbs();
    expect(text).toContain('malformed response to /nodes/localhost/status: data.uptime');
  });

  it('refuses a certificate whose fingerprint does not match PBS_FINGERPRINT, before sending the token', async () => {
    const before = pbs.requests.length;
    const text = await homelab({ ...pbs.env, PBS_FINGERPRINT: 'ab'.repeat(32) }).pbs();
    expect(text).toContain("Proxmox Backup Server's certificate fingerprint does not match PBS_FINGERPRINT");
    expect(text).toContain(pbs.fingerprintWithColons);
    expect(pbs.requests.length).toBe(before);
  });

  it('accepts the fingerprint as plain lower-case hex too', async () => {
    expect(await homelab({ ...pbs.env, PBS_FINGERPRINT: pbs.fingerprint }).pbs()).toContain('**main**');
  });

  it('verifies the certificate against the system CAs when no fingerprint is set', async () => {
    const { PBS_FINGERPRINT: _, ...withoutFingerprint } = pbs.env;
    const text = await homelab(withoutFingerprint).pbs();
    expect(text).toContain("Proxmox Backup Server's certificate is not trusted");
    expect(text).toContain('set PBS_FINGERPRINT to pin it');
  });

  it('still lists backups when PVE fails, saying why', async () => {
    const text = await homelab({
      ...pbs.env,
      ...pve.env,
      PVE_TOKEN_SECRET: '0b1c2d3e-not-the-secret',
    }).backups();
    expect(text).toContain('vm/100 web');
    expect(text).toContain('Proxmox VE says the credentials are wrong (HTTP 401)');
  });

  it('reports an HTTP 500 with its text', async () => {
    pbs.inject({ kind: 'status', status: 500, body: 'internal error: database is locked' });
    const text = await homelab(pbs.env).backups();
    expect(text).toContain('Proxmox Backup Server answered HTTP 500: internal error: database is locked');
  });
});
