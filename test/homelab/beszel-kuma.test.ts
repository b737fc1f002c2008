import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHomelab } from '../../src/homelab/index.ts';
import { type FakeBeszel, startFakeBeszel } from '../fakes/beszel/index.ts';
import { defaultKumaData, type FakeKuma, startFakeKuma } from '../fakes/kuma/index.ts';
import { closedPort } from '../fakes/ping/index.ts';
import { settingsFrom } from './helpers.ts';

describe('/beszel against a fake Beszel hub', () => {
  let beszel: FakeBeszel;
  beforeAll(async () => {
    beszel = await startFakeBeszel();
  });
  afterAll(() => beszel.close());
  afterEach(() => {
    beszel.clearFaults();
    beszel.maxPerPage = 1000;
  });
  const beszelReport = (env: Record<string, string>, timeoutMs = 3000) =>
    createHomelab({ settings: settingsFrom(env), timeoutMs }).beszel();

  it('shows every system with its status mark, usage, uptime, load and temperature, and triggered alerts', async () => {
    const text = await beszelReport(beszel.env);
    expect(text).toContain('4 systems: 1 down, 1 pending, 1 paused, 1 up');
    expect(text).toContain(
      '✅ **nas** — CPU 12% · RAM 45% · Disk 71% · up 12d · load 0.52 0.48 0.40 · 49 °C',
    );
    expect(text).toContain('❌ **pi** — down');
    expect(text).toContain('⏸ **backup-box** — paused');
    expect(text).toContain('⏳ **new-box** — pending');
    expect(text.indexOf('**pi**')).toBeLessThan(text.indexOf('**nas**'));
    expect(text).toContain('- ⚠️ nas: Disk above 70%');
    expect(text).toContain('- ⚠️ pi: down');
    expect(text).not.toContain('CPU above');
  });

  it('follows totalPages when the hub hands out small pages', async () => {
    beszel.maxPerPage = 1;
    const before = beszel.requests.length;
    const text = await beszelReport(beszel.env);
    expect(text).toContain('4 systems');
    const pages = beszel.requests
      .slice(before)
      .filter((request) => request.path === '/api/collections/systems/records')
      .map((request) => request.query.get('page'));
    expect(pages).toEqual(['1', '2', '3', '4']);
  });

  it('sends the token it got from logging in', async () => {
    await beszelReport(beszel.env);
    const login = beszel.requests.find((request) => request.path.endsWith('/auth-with-password'));
    expect(JSON.parse(login?.body ?? '{}')).toEqual({
      identity: beszel.env.BESZEL_EMAIL,
      password: beszel.env.BESZEL_PASSWORD,
    });
    const listing = beszel.requests.filter((request) => request.path.endsWith('/records'));
    expect(listing.every((request) => (request.headers.authorization ?? '').startsWith('eyJ'))).toBe(true);
  });

  it('says Beszel is not configured, naming its settings', async () => {
    expect(await beszelReport({})).toBe(
      'Beszel is not configured: set BESZEL_URL, BESZEL_EMAIL, BESZEL_PASSWORD',
    );
  });

  it('says the credentials are wrong when the login is refused', async () => {
    const text = await beszelReport({ ...beszel.env, BESZEL_PASSWORD: 'not-my-password' });
    expect(text).toContain(
      'Beszel says the credentials are wrong (HTTP 400): check BESZEL_EMAIL and BESZEL_PASSWORD',
    );
    expect(text).not.toContain('not-my-password');
  });

  it('says so when the hub is unreachable, slow, or answers garbage', async () => {
    const port = await closedPort();
    expect(await beszelReport({ ...beszel.env, BESZEL_URL: `http://127.0.0.1:${port}` })).toContain(
      'Beszel is unreachable: connection refused',
    );
    beszel.inject({ kind: 'slow', delayMs: 10_000 });
    expect(await beszelReport(beszel.env, 250)).toContain('Beszel did not answer within 0.25 s');
    beszel.clearFaults();
    beszel.inject({ kind: 'malformed' }, '/api/collections/systems');
    expect(await beszelReport(beszel.env)).toContain(
      'Beszel sent a malformed response to /api/collections/systems/records: not JSON',
    );
  });

  it('still shows the systems when only the alerts fail', async () => {
    beszel.inject({ kind: 'status', status: 500, body: 'boom' }, '/api/collections/alerts');
    const text = await beszelReport(beszel.env);
    expect(text).toContain('✅ **nas**');
    expect(text).toContain('Beszel answered HTTP 500: boom');
  });
});

describe('/kuma against a fake Uptime Kuma', () => {
  let kuma: FakeKuma;
  beforeAll(async () => {
    kuma = await startFakeKuma();
  });
  afterAll(() => kuma.close());
  afterEach(() => {
    kuma.clearFaults();
    kuma.data.version = '2.x';
  });
  const kumaReport = (env: Record<string, string>, timeoutMs = 3000) =>
    createHomelab({ settings: settingsFrom(env), timeoutMs }).kuma();

  it.each(['2.x', '1.23'] as const)(
    'lists monitors down first with a summary (%s labels)',
    async (version) => {
      kuma.data.version = version;
      const text = await kumaReport(kuma.env);
      expect(text).toContain('5 monitors');
      expect(text).toContain('✅ 2 up · ❌ 1 down · ⏳ 1 pending · 🔧 1 maintenance');
      const lines = text.split('\n').slice(2);
      expect(lines[0]).toBe('❌ **Router** — down');
      expect(lines).toContain('⏳ **Jellyfin** — pending · 1800 ms');
      expect(lines).toContain('🔧 **Mail** — maintenance · 40 ms');
      expect(lines).toContain('✅ **Nextcloud** — 123 ms · **cert expires in 9 days**');
      expect(lines).toContain('✅ **Git** — 88 ms');
    },
  );

  it('keeps monitors apart in 1.23 by their labels even when names repeat', async () => {
    kuma.data.version = '1.23';
    const original = kuma.data.monitors;
    const twin = {
      ...defaultKumaData().monitors[0],
      id: 9,
      url: 'https://cloud2.example.com',
    } as (typeof original)[number];
    kuma.data.monitors = [...original, twin];
    const text = await kumaReport(kuma.env);
    kuma.data.monitors = original;
    expect(text).toContain('6 monitors');
  });

  it('says Uptime Kuma is not configured, naming its settings', async () => {
    expect(await kumaReport({})).toBe('Uptime Kuma is not configured: set KUMA_URL, KUMA_API_KEY');
  });

  it('says the API key is wrong on 401', async () => {
    const text = await kumaReport({ ...kuma.env, KUMA_API_KEY: 'uk1_notTheKey' });
    expect(text).toContain('Uptime Kuma says the credentials are wrong (HTTP 401): check KUMA_API_KEY');
  });

  it('says so when Kuma is unreachable, slow, or answers its web page instead of metrics', async () => {
    const port = await closedPort();
    expect(await kumaReport({ ...kuma.env, KUMA_URL: `http://127.0.0.1:${port}` })).toContain(
      'Uptime Kuma is unreachable: connection refused',
    );
    kuma.inject({ kind: 'slow', delayMs: 10_000 });
    expect(await kumaReport(kuma.env, 250)).toContain('Uptime Kuma did not answer within 0.25 s');
    kuma.clearFaults();
    kuma.inject({ kind: 'malformed' });
    expect(await kumaReport(kuma.env)).toContain(
      'Uptime Kuma sent a malformed response to /metrics: not Prometheus metrics',
    );
  });
});
