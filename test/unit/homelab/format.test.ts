import { describe, expect, it } from 'vitest';
import { formatBeszelReport } from '../../../src/homelab/beszel/format.ts';
import {
  escapeMarkdown,
  formatAge,
  formatBytes,
  formatDuration,
  formatUsage,
  proxmoxTaskState,
} from '../../../src/homelab/format.ts';
import { parseMemInfo, parseMounts, realDisks } from '../../../src/homelab/host/client.ts';
import { monitorsFromSamples, parsePrometheusText } from '../../../src/homelab/kuma/client.ts';
import { formatBackupsReport } from '../../../src/homelab/pbs/backups.ts';
import { formatPbsReport } from '../../../src/homelab/pbs/format.ts';

const now = new Date('2025-06-01T12:00:00Z');
const t = now.getTime() / 1000;
const GiB = 2 ** 30;

describe('formatting helpers', () => {
  it('writes bytes in binary units, rounded for a phone', () => {
    expect(formatBytes(512 * 2 ** 20)).toBe('512 MiB');
    expect(formatBytes(3.46 * GiB)).toBe('3.5 GiB');
    expect(formatBytes(1.8 * 2 ** 40)).toBe('1.8 TiB');
    expect(formatUsage(1.5 * 2 ** 40, 4 * 2 ** 40)).toBe('1.5 / 4 TiB (38%)');
  });

  it('writes durations and ages short', () => {
    expect(formatDuration(93_784)).toBe('1d 2h');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h 2m');
    expect(formatAge(new Date(now.getTime() - 3 * 3600_000), now)).toBe('3h ago');
    expect(formatAge(new Date(now.getTime() - 30 * 3600_000), now)).toBe('1d 6h ago');
    expect(formatAge(new Date(now.getTime() - 10 * 86_400_000), now)).toBe('10d ago');
    expect(formatAge(now, now)).toBe('just now');
  });

  it('escapes Markdown in service-provided text but leaves snake_case alone', () => {
    expect(escapeMarkdown('web_01 *prod* [x] `y` _z_ ~~s~~')).toBe(
      'web_01 \\*prod\\* \\[x\\] \\`y\\` \\_z\\_ \\~\\~s\\~\\~',
    );
  });

  it('reads Proxmox task states', () => {
    expect(proxmoxTaskState({ status: 'OK', endtime: 1 })).toBe('ok');
    expect(proxmoxTaskState({ status: 'WARNINGS: 2', endtime: 1 })).toBe('warning');
    expect(proxmoxTaskState({ status: 'job errors', endtime: 1 })).toBe('failed');
    expect(proxmoxTaskState({})).toBe('running');
  });
});

describe('PBS formatters', () => {
  it('says a store that is not filling up is not, and shows running GC as running', () => {
    const text = formatPbsReport(
      {
        node: { ok: true, value: { uptime: 3600 } },
        datastores: {
          ok: true,
          value: [{ store: 'flat', total: 10 * GiB, used: 5 * GiB, 'estimated-full-date': 0 }],
        },
        garbageCollections: {
          ok: true,
          value: [{ upid: 'U', worker_type: 'garbage_collection', worker_id: 'flat', starttime: t - 60 }],
        },
        verifications: { ok: true, value: [] },
      },
      now,
    );
    expect(text).toContain('- **flat** 5 / 10 GiB (50%) · not filling up');
    expect(text).toContain('- ⏳ flat running');
    expect(text).toContain('- _no verification found_');
  });

  it('collapses to one line when every request failed the same way', () => {
    const failure = {
      ok: false as const,
      failure: {
        kind: 'unreachable' as const,
        problem: 'Proxmox Backup Server is unreachable: connection refused',
      },
    };
    const text = formatPbsReport(
      { node: failure, datastores: failure, garbageCollections: failure, verifications: failure },
      now,
    );
    expect(text).toBe(
      '**🗄 Proxmox Backup Server**\n❌ Proxmox Backup Server is unreachable: connection refused',
    );
  });

  it('says when there are no failed backup tasks', () => {
    const text = formatBackupsReport(
      {
        stores: {
          ok: true,
          value: [
            {
              store: 's',
              snapshots: {
                ok: true,
                value: [{ 'backup-type': 'host', 'backup-id': 'laptop', 'backup-time': t - 3600, size: GiB }],
              },
            },
          ],
        },
        pbsTasks: { ok: true, value: [] },
      },
      now,
    );
    expect(text).toContain('**💾 Backups** 1 guest');
    expect(text).toContain('✅ host/laptop — 1h ago · 1 GiB · not verified');
    expect(text).toContain('**Failed backup tasks (24 h)**\n✅ none');
  });
});

describe('Beszel formatter', () => {
  it('reads the load from older agents’ l1/l5/l15 keys and leaves out what is not reported', () => {
    const text = formatBeszelReport({
      ok: true,
      value: {
        systems: [{ id: 'a', name: 'old_agent', status: 'up', info: { cpu: 5, l1: 1, l5: 0.5, l15: 0.25 } }],
        alerts: { ok: true, value: [] },
      },
    });
    expect(text).toContain('✅ **old_agent** — CPU 5% · load 1.00 0.50 0.25');
    expect(text).not.toContain('°C');
    expect(text).toContain('**🔔 Alerts** ✅ none triggered');
  });
});

describe('Kuma metrics parsing', () => {
  const metrics = [
    '# HELP monitor_status Monitor Status',
    '# TYPE monitor_status gauge',
    'monitor_status{monitor_id="7",monitor_name="Say \\"hi\\"",monitor_type="dns",monitor_url="https://",monitor_hostname="null",monitor_port="53",team="a b"} 1',
    'monitor_response_time{monitor_id="7",monitor_name="Say \\"hi\\"",monitor_type="dns",monitor_url="https://",monitor_hostname="null",monitor_port="53",team="a b"} -1',
    'nodejs_eventloop_lag_seconds 0.01',
    'monitor_status{monitor_name="legacy",monitor_type="http",monitor_url="https://x.example",monitor_hostname="null",monitor_port="null"} 3',
    'monitor_cert_days_remaining{monitor_name="legacy",monitor_type="http",monitor_url="https://x.example",monitor_hostname="null",monitor_port="null"} 4',
  ].join('\n');

  it('keeps only monitor families, unescapes labels, and treats "null" and -1 as unknown', () => {
    const monitors = monitorsFromSamples(parsePrometheusText(metrics) ?? []);
    expect(monitors).toEqual([
      { name: 'Say "hi"', type: 'dns', state: 'up' },
      {
        name: 'legacy',
        type: 'http',
        target: 'https://x.example',
        state: 'maintenance',
        certDaysRemaining: 4,
      },
    ]);
  });

  it('calls an HTML page malformed and an empty body no monitors', () => {
    expect(parsePrometheusText('<html><body>Uptime Kuma</body></html>')).toBeUndefined();
    expect(parsePrometheusText('')).toEqual([]);
  });
});

describe('host parsing', () => {
  it('decodes /proc/mounts and keeps each real device once', () => {
    const mounts = parseMounts(
      [
        'overlay / overlay rw 0 0',
        '/dev/nvme0n1p2 /data\\040disk ext4 rw 0 0',
        '/dev/nvme0n1p2 /data/bind ext4 rw 0 0',
        'tmpfs /tmp tmpfs rw 0 0',
        'rpool/data /rpool/data zfs rw 0 0',
      ].join('\n'),
    );
    expect(realDisks(mounts).map((mount) => mount.mountPoint)).toEqual(['/', '/data disk', '/rpool/data']);
  });

  it('reads MemAvailable rather than MemFree', () => {
    expect(parseMemInfo('MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\n')).toEqual({
      total: 1024000,
      available: 614400,
    });
    expect(parseMemInfo('MemTotal: 1000 kB\n')).toBeUndefined();
  });
});
