import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHomelab } from '../../src/homelab/index.ts';
import { closedPort } from '../fakes/ping/index.ts';
import { type FakePve, startFakePve } from '../fakes/pve/index.ts';
import { settingsFrom } from './helpers.ts';

/** A prepared /proc and /sys: a real disk, a bind mount of it, pseudo filesystems, a hwmon sensor. */
async function fakeHostDirs() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-host-'));
  const proc = path.join(root, 'proc');
  const sys = path.join(root, 'sys');
  await fs.mkdir(proc, { recursive: true });
  await fs.mkdir(path.join(sys, 'class/hwmon/hwmon0'), { recursive: true });
  await fs.writeFile(
    path.join(proc, 'mounts'),
    [
      'proc /proc proc rw,nosuid 0 0',
      'sysfs /sys sysfs rw 0 0',
      'tmpfs /run tmpfs rw 0 0',
      '/dev/sda1 / ext4 rw,relatime 0 0',
      '/dev/sda1 /etc/hosts ext4 rw,relatime 0 0',
      '/dev/sdb1 /srv/my\\040media xfs rw 0 0',
      'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
    ].join('\n'),
  );
  await fs.writeFile(
    path.join(proc, 'meminfo'),
    'MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    8192000 kB\n',
  );
  await fs.writeFile(path.join(sys, 'class/hwmon/hwmon0/name'), 'coretemp\n');
  await fs.writeFile(path.join(sys, 'class/hwmon/hwmon0/temp1_input'), '52000\n');
  await fs.writeFile(path.join(sys, 'class/hwmon/hwmon0/temp2_input'), '47000\n');
  const disks: Record<string, { blocks: number; bfree: number; bavail: number; bsize: number }> = {
    '/': { blocks: 100 * 262_144, bfree: 55 * 262_144, bavail: 50 * 262_144, bsize: 4096 },
    '/srv/my media': { blocks: 4096 * 262_144, bfree: 2048 * 262_144, bavail: 2048 * 262_144, bsize: 4096 },
  };
  const statfs = async (mountPoint: string) => {
    const stats = disks[mountPoint];
    if (!stats) throw new Error(`statfs called for ${mountPoint}`);
    return stats;
  };
  return { root, host: { procDir: proc, sysDir: sys, statfs } };
}

describe('/status: the host, and Proxmox VE when configured', () => {
  let pve: FakePve;
  let dirs: Awaited<ReturnType<typeof fakeHostDirs>>;
  beforeAll(async () => {
    [pve, dirs] = await Promise.all([startFakePve(), fakeHostDirs()]);
  });
  afterAll(async () => {
    await Promise.all([pve.close(), fs.rm(dirs.root, { recursive: true, force: true })]);
  });

  it('shows uptime, load, available memory, each real disk once, and the temperature', async () => {
    const text = await createHomelab({ settings: settingsFrom({}), host: dirs.host }).status();
    expect(text).toContain(`**🖥 ${os.hostname()}**`);
    expect(text).toMatch(/⏱ Up .+ · load \d+\.\d\d \d+\.\d\d \d+\.\d\d/);
    expect(text).toContain('🧠 Memory 7.8 / 16 GiB (50%)');
    expect(text).toContain('💾 / 45 / 100 GiB (45%)');
    expect(text).toContain('💾 /srv/my media 2 / 4 TiB (50%)');
    expect(text).not.toContain('/etc/hosts');
    expect(text).not.toContain('/run');
    expect(text).toContain('🌡 52 °C coretemp');
    expect(text).not.toContain('Proxmox VE');
  });

  it('adds every PVE node with its VMs and containers, running or stopped', async () => {
    const text = await createHomelab({ settings: settingsFrom(pve.env), host: dirs.host }).status();
    expect(text).toContain('💾 / 45 / 100 GiB');
    expect(text).toContain('**🖧 Proxmox VE**');
    expect(text).toMatch(/\*\*pve1\*\* ✅ · up 12d 4h · CPU 7% · RAM 12 \/ 64 GiB \(19%\)/);
    expect(text).toContain('- ✅ 100 web — CPU 3% · 1.9 / 4 GiB');
    expect(text).toContain('- ✅ 101 db — CPU 25% · 6.2 / 8 GiB');
    expect(text).toContain('- ⏹ 102 old-win — stopped');
    expect(text).toContain('- ✅ 200 dns — CPU 0% · 120 / 512 MiB');
    expect(text).not.toContain('debian-template');
    expect(text).toContain('**pve2** ❌ · offline');
    const headers = new Set(pve.requests.map((request) => request.headers.authorization));
    expect(headers).toEqual(new Set([`PVEAPIToken=${pve.tokenId}=${pve.tokenSecret}`]));
  });

  it('still shows the host when PVE refuses the token, is unreachable, or is slow', async () => {
    const refused = await createHomelab({
      settings: settingsFrom({ ...pve.env, PVE_TOKEN_SECRET: '0b1c2d3e-not-the-secret' }),
      host: dirs.host,
    }).status();
    expect(refused).toContain('💾 / 45 / 100 GiB');
    expect(refused).toContain(
      'Proxmox VE says the credentials are wrong (HTTP 401): check PVE_TOKEN_ID and PVE_TOKEN_SECRET',
    );

    const down = await createHomelab({
      settings: settingsFrom({ ...pve.env, PVE_URL: `https://127.0.0.1:${await closedPort()}` }),
      host: dirs.host,
    }).status();
    expect(down).toContain('🧠 Memory');
    expect(down).toContain('Proxmox VE is unreachable: connection refused');

    pve.inject({ kind: 'slow', delayMs: 10_000 });
    const slow = await createHomelab({
      settings: settingsFrom(pve.env),
      host: dirs.host,
      timeoutMs: 250,
    }).status();
    pve.clearFaults();
    expect(slow).toContain('🧠 Memory');
    expect(slow).toContain('Proxmox VE did not answer within 0.25 s');
  });

  it('shows one node whose guest list failed next to the rest', async () => {
    pve.inject({ kind: 'malformed' }, '/api2/json/nodes/pve1/lxc');
    const text = await createHomelab({ settings: settingsFrom(pve.env), host: dirs.host }).status();
    pve.clearFaults();
    expect(text).toContain('- ✅ 100 web');
    expect(text).toContain('Proxmox VE sent a malformed response to /nodes/pve1/lxc: not JSON');
  });

  it('refuses a PVE certificate with another fingerprint', async () => {
    const text = await createHomelab({
      settings: settingsFrom({ ...pve.env, PVE_FINGERPRINT: '01'.repeat(32) }),
      host: dirs.host,
    }).status();
    expect(text).toContain("Proxmox VE's certificate fingerprint does not match PVE_FINGERPRINT");
  });

  it('reads the real host when nothing is injected', async () => {
    const text = await createHomelab({ settings: settingsFrom({}) }).status();
    expect(text).toContain(`**🖥 ${os.hostname()}**`);
    expect(text).toMatch(/💾 \/ /);
    expect(text).toMatch(/🧠 Memory [\d.]+ \/ [\d.]+ [GM]iB/);
  });
});
