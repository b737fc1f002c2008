/**
 * The homelab commands end to end: the bot started with `npm start` against fake PBS, PVE, Beszel,
 * Uptime Kuma and `ping`, answering through the fake Telegram (which refuses markup Telegram would
 * refuse, so every reply that arrives is valid Telegram HTML).
 */
import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HomelabFakes, startHomelabFakes } from '../fakes/homelab/index.ts';
import { closedPort } from '../fakes/ping/index.ts';
import type { BotMessage, EntityType, MessageMatch } from '../fakes/telegram/index.ts';
import { OWNER_ID, startWorld, type World } from './harness.ts';

const chat = OWNER_ID;
const HOMELAB_SETTING = /^(PBS|PVE|BESZEL|KUMA|PING)_/;
// The first block meets Telegram's per-chat flood limit as the real bot would; the failure blocks are
// about what the replies say, so they skip it and its second per reply.

/** The owner sends a command; resolves with the bot's reply that matches. */
async function ask(world: World, command: string, reply: MessageMatch): Promise<BotMessage> {
  world.say(command);
  return world.tg.waitForMessage(chat, reply, { timeoutMs: 10_000 });
}

/** The pieces of a reply Telegram shows with this formatting. */
function formatted(message: BotMessage, type: EntityType = 'bold'): string[] {
  return message.entities
    .filter((entity) => entity.type === type)
    .map((entity) => message.text.slice(entity.offset, entity.offset + entity.length));
}

function withoutHomelabSettings(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !HOMELAB_SETTING.test(name)));
}

describe('homelab commands with every service configured', () => {
  let fakes: HomelabFakes;
  let world: World;

  beforeAll(async () => {
    [fakes, world] = await Promise.all([startHomelabFakes(), startWorld()]);
    await world.startBot(fakes.env);
  }, 60_000);

  afterEach(() => {
    for (const service of [fakes.pbs, fakes.pve, fakes.beszel, fakes.kuma]) service.clearFaults();
  });

  afterAll(async () => {
    await world?.close();
    await fakes?.close();
  }, 30_000);

  it('/status shows the host, then the PVE node with its VMs and containers, running or stopped', async () => {
    const status = await ask(world, '/status', '🖧 Proxmox VE');
    expect(status.parseMode).toBe('HTML');
    expect(status.text).toContain(`🖥 ${os.hostname()}`);
    expect(status.text).toMatch(/⏱ Up .+ · load \d+\.\d\d \d+\.\d\d \d+\.\d\d/);
    expect(status.text).toMatch(/🧠 Memory [\d.]+ \/ [\d.]+ [KMGT]i?B \(\d+%\)/);
    expect(status.text).toMatch(/💾 \/ /);
    expect(status.text).toContain('pve1 ✅ · up 12d 4h · CPU 7% · RAM 12 / 64 GiB (19%)');
    expect(status.text).toContain('VMs: 2 of 3 running');
    expect(status.text).toContain('✅ 100 web — CPU 3% · 1.9 / 4 GiB');
    expect(status.text).toContain('✅ 101 db — CPU 25% · 6.2 / 8 GiB');
    expect(status.text).toContain('⏹ 102 old-win — stopped');
    expect(status.text).toContain('Containers: 1 of 1 running');
    expect(status.text).toContain('✅ 200 dns — CPU 0% · 120 / 512 MiB');
    expect(status.text).not.toContain('debian-template');
    // The offline node is a line of its own, not a continuation of the last container's item.
    expect(status.text).toMatch(/\npve2 ❌ · offline$/);
    expect(formatted(status)).toEqual(expect.arrayContaining(['🖧 Proxmox VE', 'pve1', 'pve2']));
    expect(formatted(status, 'italic')).toEqual(
      expect.arrayContaining(['VMs: 2 of 3 running', 'Containers: 1 of 1 running']),
    );
  });

  it('/pbs shows the node, each datastore with its full date, the last GC and verification', async () => {
    const pbs = await ask(world, '/pbs', '🗄 Proxmox Backup Server');
    expect(pbs.text).toContain('✅ Up 40d 2h · CPU 3% · load 0.12 0.20 0.18');
    expect(pbs.text).toContain('RAM 3.1 / 16 GiB (19%) · root 12 / 50 GiB (24%)');
    expect(pbs.text).toMatch(/main 1\.5 \/ 4 TiB \(38%\) · full ~\d{4}-\d\d-\d\d/);
    expect(pbs.text).toContain('❌ offsite: unable to open chunk store');
    expect(pbs.text).toMatch(/Garbage collection\n+• ✅ main 4h ago/);
    expect(pbs.text).toMatch(/Verification\n+• ✅ main 3h ago/);
    expect(formatted(pbs)).toEqual(
      expect.arrayContaining(['🗄 Proxmox Backup Server', 'Datastores', 'Garbage collection', 'Verification']),
    );
    const authorizations = new Set(fakes.pbs.requests.map((request) => request.headers.authorization));
    expect(authorizations).toEqual(new Set([`PBSAPIToken=${fakes.pbs.tokenId}:${fakes.pbs.tokenSecret}`]));
  });

  it('/backups flags stale and failed-verification guests and lists the failed backup tasks', async () => {
    const backups = await ask(world, '/backups', '💾 Backups');
    expect(backups.text).toContain('💾 Backups 3 guests · 2 need attention');
    expect(backups.text).toMatch(/⚠️ ct\/200 dns — 1d 6h ago · 1\.1 GiB · on main · older than 26 h/);
    expect(backups.text).toMatch(/❌ vm\/101 db — 2h ago · 32 GiB · on main · verification failed/);
    expect(backups.text).toMatch(/✅ vm\/100 web — 3h ago · 12 GiB · on main · verified/);
    expect(backups.text.indexOf('vm/101')).toBeLessThan(backups.text.indexOf('vm/100'));
    expect(backups.text).toContain('❌ offsite:');
    const [, failedTasks = ''] = backups.text.split('Failed backup tasks (24 h)');
    expect(failedTasks).toContain('PBS backup vm/101 on main · 5h ago: backup failed: connection error');
    expect(failedTasks).toContain('PVE vzdump 101 on pve1 · 5h ago: job errors');
    // Older than a day, or not failed: not listed.
    expect(failedTasks.match(/vzdump/g)).toHaveLength(1);
    expect(failedTasks).not.toContain('vm/100');
    expect(formatted(backups)).toContain('Failed backup tasks (24 h)');
  });

  it('/beszel shows every system with its status mark and usage, then the triggered alerts', async () => {
    const beszel = await ask(world, '/beszel', '📊 Beszel');
    expect(beszel.text).toContain('📊 Beszel 4 systems: 1 down, 1 pending, 1 paused, 1 up');
    expect(beszel.text).toContain('❌ pi — down');
    expect(beszel.text).toContain('⏳ new-box — pending');
    expect(beszel.text).toContain('⏸ backup-box — paused');
    expect(beszel.text).toContain(
      '✅ nas — CPU 12% · RAM 45% · Disk 71% · up 12d · load 0.52 0.48 0.40 · 49 °C',
    );
    expect(beszel.text).toContain('🔔 Alerts 2 triggered');
    expect(beszel.text).toContain('⚠️ nas: Disk above 70%');
    expect(beszel.text).toContain('⚠️ pi: down');
    expect(formatted(beszel)).toEqual(expect.arrayContaining(['📊 Beszel', 'nas', 'pi']));
  });

  it('/kuma lists the down monitors first, with a summary line of counts', async () => {
    const kuma = await ask(world, '/kuma', '📡 Uptime Kuma');
    const lines = kuma.text.split('\n');
    expect(lines[0]).toBe('📡 Uptime Kuma 5 monitors');
    expect(lines[1]).toBe('✅ 2 up · ❌ 1 down · ⏳ 1 pending · 🔧 1 maintenance');
    expect(lines[2]).toBe('❌ Router — down');
    expect(kuma.text).toContain('⏳ Jellyfin — pending · 1800 ms');
    expect(kuma.text).toContain('🔧 Mail — maintenance · 40 ms');
    expect(kuma.text).toContain('✅ Nextcloud — 123 ms · cert expires in 9 days');
    expect(kuma.text).toContain('✅ Git — 88 ms');
    expect(kuma.text).not.toContain('60 days');
    expect(formatted(kuma)).toEqual(expect.arrayContaining(['📡 Uptime Kuma', 'Router', 'Nextcloud']));
  });

  it('/ping pings the PING_HOSTS: ICMP through the system ping, a TCP probe for host:port', async () => {
    const connectionsBefore = fakes.web.connections();
    const ping = await ask(world, '/ping', '📶 Ping');
    expect(ping.text).toContain('📶 Ping 2 of 3 reachable');
    expect(ping.text).toContain('✅ router (router.lan) — reply 0.4 ms');
    expect(ping.text).toContain('❌ nas (nas.lan) — no reply');
    expect(ping.text).toMatch(
      new RegExp(`✅ web \\(127\\.0\\.0\\.1:${fakes.web.port}\\) — TCP port ${fakes.web.port} open`),
    );
    expect(fakes.web.connections()).toBeGreaterThan(connectionsBefore);
    const pinged = (await fakes.ping.calls()).map((args) => args.at(-1));
    expect(pinged).toEqual(expect.arrayContaining(['router.lan', 'nas.lan']));
    expect(pinged).not.toContain('127.0.0.1');
  });

  it('/ping with arguments pings those: a PING_HOSTS name, a host, and host:port', async () => {
    const port = fakes.web.port;
    const ping = await ask(world, `/ping router 127.0.0.1:${port} nas.lan`, '📶 Ping');
    const lines = ping.text.split('\n');
    expect(lines[0]).toBe('📶 Ping 2 of 3 reachable');
    expect(lines[1]).toBe('✅ router (router.lan) — reply 0.4 ms');
    expect(lines[2]).toMatch(new RegExp(`^✅ 127\\.0\\.0\\.1:${port} — TCP port ${port} open`));
    expect(lines[3]).toBe('❌ nas.lan — no reply');
    expect(lines).toHaveLength(4);
  });

  it('a malformed body is said as such, naming the service, and hides nothing else', async () => {
    fakes.kuma.inject({ kind: 'malformed' });
    const kuma = await ask(world, '/kuma', '📡 Uptime Kuma');
    expect(kuma.text).toContain('❌ Uptime Kuma sent a malformed response to /metrics');

    fakes.pbs.inject({ kind: 'malformed' }, '/api2/json/admin/datastore/main/snapshots');
    const backups = await ask(world, '/backups', '💾 Backups');
    expect(backups.text).toContain(
      '❌ main: Proxmox Backup Server sent a malformed response to /admin/datastore/main/snapshots',
    );
    expect(backups.text).toContain('PBS backup vm/101 on main');
    expect(backups.text).toContain('PVE vzdump 101 on pve1');
  });

  it('a 401 is said as wrong credentials, naming the settings, and the host still shows', async () => {
    fakes.pve.inject({ kind: 'status', status: 401, body: 'authentication failure' });
    const status = await ask(world, '/status', '🖧 Proxmox VE');
    expect(status.text).toContain(`🖥 ${os.hostname()}`);
    expect(status.text).toContain(
      '❌ Proxmox VE says the credentials are wrong (HTTP 401): check PVE_TOKEN_ID and PVE_TOKEN_SECRET',
    );
    expect(status.text).not.toContain(fakes.pve.tokenSecret);

    const backups = await ask(world, '/backups', '💾 Backups');
    expect(backups.text).toContain('• ❌ PBS backup vm/101 on main');
    // A line of its own, not a continuation of the PBS task's item.
    expect(backups.text).toMatch(/\n• ❌ Proxmox VE says the credentials are wrong \(HTTP 401\)/);
  });

  it('a long answer is split into messages Telegram accepts, each with its formatting', async () => {
    const added = Array.from({ length: 150 }, (_, index) => ({
      id: 1000 + index,
      name: `service-${String(index).padStart(3, '0')}-with-a-rather-long-descriptive-name`,
      type: 'http',
      url: `https://service-${index}.example.com`,
      status: 1 as const,
      responseTime: 20 + index,
    }));
    fakes.kuma.data.monitors.push(...added);
    try {
      const first = await ask(world, '/kuma', '📡 Uptime Kuma 155 monitors');
      const last = await world.tg.waitForMessage(chat, 'service-149-with-a-rather-long-descriptive-name');
      const parts = world.tg
        .messages(chat)
        .filter((message) => message.messageId >= first.messageId && message.messageId <= last.messageId);
      expect(parts.length).toBeGreaterThan(1);
      const whole = parts.map((part) => part.text).join('\n');
      for (const monitor of added) expect(whole.split(monitor.name)).toHaveLength(2);
      expect(whole.indexOf('❌ Router — down')).toBeLessThan(whole.indexOf('service-000'));
      for (const part of parts) {
        expect(part.text.length).toBeLessThanOrEqual(4096);
        expect(part.parseMode).toBe('HTML');
        expect(formatted(part).length).toBeGreaterThan(0);
      }
    } finally {
      fakes.kuma.data.monitors.splice(-added.length);
    }
  });

  it('a slow /pbs times out after 5 s with a clear line, and a /help sent after it is answered first', async () => {
    fakes.pbs.inject({ kind: 'slow', delayMs: 8_000 });
    world.say('/pbs');
    world.say('/help');
    const help = await world.tg.waitForMessage(chat, '/new <name> [persona]');
    const pbs = await world.tg.waitForMessage(chat, '🗄 Proxmox Backup Server', { timeoutMs: 12_000 });
    expect(help.messageId).toBeLessThan(pbs.messageId);
    expect(pbs.text).toContain('❌ Proxmox Backup Server did not answer within 5 s');
    expect(world.tg.chatActions(chat).map((action) => action.action)).toContain('typing');
  }, 20_000);
});

describe('homelab commands without their settings', () => {
  let fakes: HomelabFakes;
  let world: World;

  beforeAll(async () => {
    [fakes, world] = await Promise.all([startHomelabFakes(), startWorld({ rateLimits: false })]);
    await world.startBot(withoutHomelabSettings(fakes.env));
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    await fakes?.close();
  }, 30_000);

  it('each service command names the settings to set', async () => {
    const expected: Array<[string, string]> = [
      ['/pbs', 'Proxmox Backup Server is not configured: set PBS_URL, PBS_TOKEN_ID, PBS_TOKEN_SECRET'],
      ['/backups', 'Proxmox Backup Server is not configured: set PBS_URL, PBS_TOKEN_ID, PBS_TOKEN_SECRET'],
      ['/beszel', 'Beszel is not configured: set BESZEL_URL, BESZEL_EMAIL, BESZEL_PASSWORD'],
      ['/kuma', 'Uptime Kuma is not configured: set KUMA_URL, KUMA_API_KEY'],
    ];
    for (const [command, reply] of expected) await ask(world, command, reply);
    for (const service of [fakes.pbs, fakes.pve, fakes.beszel, fakes.kuma])
      expect(service.requests).toHaveLength(0);
  });

  it('/status shows the host alone, and a bare /ping explains PING_HOSTS', async () => {
    const status = await ask(world, '/status', `🖥 ${os.hostname()}`);
    expect(status.text).toContain('🧠 Memory');
    expect(status.text).not.toContain('Proxmox VE');
    const ping = await ask(world, '/ping', 'Usage: /ping');
    expect(ping.text).toContain('PING_HOSTS=name=host[:port]');
  });
});

describe('homelab commands with wrong settings', () => {
  let fakes: HomelabFakes;
  let world: World;

  beforeAll(async () => {
    [fakes, world] = await Promise.all([startHomelabFakes(), startWorld({ rateLimits: false })]);
    const nothingListening = await closedPort();
    await world.startBot({
      ...fakes.env,
      // A real certificate's fingerprint, but not the one PBS presents.
      PBS_FINGERPRINT: fakes.pve.fingerprintWithColons,
      PVE_URL: `https://127.0.0.1:${nothingListening}`,
      BESZEL_URL: `http://127.0.0.1:${nothingListening}`,
      KUMA_API_KEY: 'uk1_not-the-key',
    });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    await fakes?.close();
  }, 30_000);

  it('a wrong certificate fingerprint is refused, naming PBS_FINGERPRINT and what the server presents', async () => {
    const pbs = await ask(world, '/pbs', '🗄 Proxmox Backup Server');
    expect(pbs.text).toContain(
      `❌ Proxmox Backup Server's certificate fingerprint does not match PBS_FINGERPRINT: the server presents ${fakes.pbs.fingerprintWithColons}`,
    );
    // Pinning happens before any request is sent: the token never reaches the wrong server.
    expect(fakes.pbs.requests).toHaveLength(0);
  });

  it('a closed port is said as unreachable, naming the service and the reason', async () => {
    const beszel = await ask(world, '/beszel', '📊 Beszel');
    expect(beszel.text).toContain('❌ Beszel is unreachable: connection refused');
    const status = await ask(world, '/status', '🖧 Proxmox VE');
    expect(status.text).toContain(`🖥 ${os.hostname()}`);
    expect(status.text).toContain('❌ Proxmox VE is unreachable: connection refused');
  });

  it('/backups shows both problems: the pinned PBS and the unreachable PVE', async () => {
    const backups = await ask(world, '/backups', '💾 Backups');
    expect(backups.text).toContain("Proxmox Backup Server's certificate fingerprint does not match");
    expect(backups.text).toContain('❌ Proxmox VE is unreachable: connection refused');
  });

  it('a refused API key is said as wrong credentials, naming KUMA_API_KEY', async () => {
    const kuma = await ask(world, '/kuma', '📡 Uptime Kuma');
    expect(kuma.text).toContain(
      '❌ Uptime Kuma says the credentials are wrong (HTTP 401): check KUMA_API_KEY',
    );
    expect(kuma.text).not.toContain('uk1_not-the-key');
  });
});
