import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHomelab } from '../../src/homelab/index.ts';
import {
  closedPort,
  type FakePing,
  listenTcp,
  startFakePing,
  type TcpListener,
} from '../fakes/ping/index.ts';
import { settingsFrom } from './helpers.ts';

describe('/ping through a fake ping and local TCP listeners', () => {
  let ping: FakePing;
  let web: TcpListener;
  let refusing: number;
  beforeAll(async () => {
    [ping, web, refusing] = await Promise.all([
      startFakePing({
        'router.lan': { reply: 0.42 },
        'nas.lan': 'no-reply',
        '127.0.0.1': 'not-permitted',
        'stuck.lan': 'hang',
      }),
      listenTcp(),
      closedPort(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([ping.close(), web.close()]);
  });

  const homelab = (env: Record<string, string> = {}, timeoutMs = 3000) =>
    createHomelab({ settings: settingsFrom(env), pingCommand: ping.command, timeoutMs });

  it('pings PING_HOSTS when given no hosts, ICMP without a port and TCP with one', async () => {
    const text = await homelab({
      PING_HOSTS: `router=router.lan,nas=nas.lan,web=127.0.0.1:${web.port}`,
    }).ping([]);
    expect(text).toContain('**📶 Ping** 2 of 3 reachable');
    expect(text).toContain('✅ **router** (router.lan) — reply 0.4 ms');
    expect(text).toContain('❌ **nas** (nas.lan) — no reply');
    expect(text).toMatch(
      new RegExp(`✅ \\*\\*web\\*\\* \\(127\\.0\\.0\\.1:${web.port}\\) — TCP port ${web.port} open`),
    );
    expect(await ping.calls()).toContainEqual(['-n', '-c', '1', '-W', '1', 'router.lan']);
  });

  it('takes a PING_HOSTS name, a host, or host:port as arguments', async () => {
    const text = await homelab({ PING_HOSTS: 'router=router.lan' }).ping([
      'router',
      'nas.lan',
      `127.0.0.1:${refusing}`,
    ]);
    const lines = text.split('\n');
    expect(lines[1]).toContain('**router** (router.lan) — reply');
    expect(lines[2]).toBe('❌ **nas.lan** — no reply');
    expect(lines[3]).toBe(
      `✅ **127.0.0.1:${refusing}** — up: TCP port ${refusing} refused the connection, so the host answered`,
    );
  });

  it('falls back to a TCP probe when ICMP is not permitted', async () => {
    const text = await homelab().ping(['127.0.0.1']);
    expect(text).toMatch(/✅ \*\*127\.0\.0\.1\*\* — .*\(ICMP not permitted, so TCP\)/);
  });

  it('falls back to a TCP probe when there is no ping at all', async () => {
    const settings = settingsFrom({});
    const text = await createHomelab({ settings, pingCommand: '/nonexistent/ping', timeoutMs: 3000 }).ping([
      '127.0.0.1',
    ]);
    expect(text).toContain('(ICMP not permitted, so TCP)');
    expect(text).toContain('✅');
  });

  it('says unknown hosts are unknown and a ping that hangs got no reply', async () => {
    // The fake ping is a Node script: on a busy machine it can take over half a second just to start.
    const text = await homelab({}, 2000).ping(['nowhere.lan', 'stuck.lan']);
    expect(text).toContain('❌ **nowhere.lan** — unknown host');
    expect(text).toContain('❌ **stuck.lan** — no reply');
  });

  it('refuses arguments that are not hosts instead of passing them to ping', async () => {
    const before = (await ping.calls()).length;
    const text = await homelab().ping(['-f', 'a;rm', 'host:99999']);
    expect(text.match(/not a host name, IP address or host:port/g)).toHaveLength(3);
    expect((await ping.calls()).length).toBe(before);
  });

  it('gives a usage hint when there is nothing to ping', async () => {
    const text = await homelab().ping([]);
    expect(text).toContain('Usage: /ping <host…>');
    expect(text).toContain('PING_HOSTS');
  });
});
