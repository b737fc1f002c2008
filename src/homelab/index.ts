import { type Settings, secretsOf } from '../config/settings.ts';
import type { Logger } from '../logging.ts';
import { BESZEL_SETTINGS, fetchBeszel } from './beszel/client.ts';
import { formatBeszelReport } from './beszel/format.ts';
import { notConfigured, oneLine } from './format.ts';
import { type HostReaderDeps, readHostStatus } from './host/client.ts';
import { formatHostProblem, formatHostStatus } from './host/format.ts';
import { scrubber } from './http.ts';
import { fetchKuma, KUMA_SETTINGS } from './kuma/client.ts';
import { formatKumaReport } from './kuma/format.ts';
import { formatBackupsReport } from './pbs/backups.ts';
import { createPbsClient, PBS_SETTINGS } from './pbs/client.ts';
import { formatPbsReport } from './pbs/format.ts';
import { gatherBackupsReport, gatherPbsReport } from './pbs/gather.ts';
import { parsePingArgs, pingAll } from './ping/client.ts';
import { formatPingResults, PING_USAGE } from './ping/format.ts';
import { createPveClient } from './pve/client.ts';
import { formatPveReport, type PveReport } from './pve/format.ts';
import { gatherPveReport } from './pve/gather.ts';

export interface HomelabDeps {
  settings: Settings;
  now?: () => Date;
  logger?: Logger;
  /** The `ping` executable; default `ping` from PATH. */
  pingCommand?: string;
  /** Per request; default 5000. */
  timeoutMs?: number;
  /** Where the host's `/proc` and `/sys` are, and how disks are measured; tests replace them. */
  host?: Omit<HostReaderDeps, 'timeoutMs'>;
}

/** Each method answers Markdown for the chat and never rejects: failures are lines in the answer. */
export interface Homelab {
  status(): Promise<string>;
  pbs(): Promise<string>;
  backups(): Promise<string>;
  beszel(): Promise<string>;
  kuma(): Promise<string>;
  /** `[]` pings PING_HOSTS; otherwise each argument is a PING_HOSTS name, a host, or host:port. */
  ping(hosts: string[]): Promise<string>;
}

export function createHomelab(deps: HomelabDeps): Homelab {
  const { settings, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.timeoutMs ?? 5000;
  const secrets = secretsOf(settings);
  const scrub = scrubber(secrets);
  const clientOptions = { timeoutMs, secrets, ...(logger ? { logger } : {}) };

  /** The last line of defence for "never rejects": a bug becomes a line, not a silent failure. */
  async function guarded(what: string, produce: () => Promise<string>): Promise<string> {
    try {
      return await produce();
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error));
      logger?.error({ err: error, command: what }, 'homelab report failed');
      return `❌ ${what} failed unexpectedly: ${oneLine(message, 120)}`;
    }
  }

  async function pveReport(): Promise<PveReport> {
    if (!settings.pve) throw new Error('Proxmox VE is not configured');
    const client = createPveClient({ settings: settings.pve, ...clientOptions });
    try {
      return await gatherPveReport(client);
    } finally {
      await client.close();
    }
  }

  async function hostSection(): Promise<string> {
    try {
      return formatHostStatus(await readHostStatus({ ...deps.host, timeoutMs }));
    } catch (error) {
      return formatHostProblem(
        `Could not read the host status: ${error instanceof Error ? error.message : error}`,
      );
    }
  }

  return {
    status: () =>
      guarded('/status', async () => {
        const [host, pve] = await Promise.all([
          hostSection(),
          settings.pve ? pveReport().then(formatPveReport) : Promise.resolve(undefined),
        ]);
        return pve === undefined ? host : `${host}\n\n${pve}`;
      }),

    pbs: () =>
      guarded('/pbs', async () => {
        if (!settings.pbs) return notConfigured('Proxmox Backup Server', PBS_SETTINGS);
        const client = createPbsClient({ settings: settings.pbs, ...clientOptions });
        try {
          return formatPbsReport(await gatherPbsReport(client), now());
        } finally {
          await client.close();
        }
      }),

    backups: () =>
      guarded('/backups', async () => {
        if (!settings.pbs) return notConfigured('Proxmox Backup Server', PBS_SETTINGS);
        const pbs = createPbsClient({ settings: settings.pbs, ...clientOptions });
        const pve = settings.pve ? createPveClient({ settings: settings.pve, ...clientOptions }) : undefined;
        try {
          return formatBackupsReport(await gatherBackupsReport(pbs, pve, now()), now());
        } finally {
          await Promise.all([pbs.close(), pve?.close()]);
        }
      }),

    beszel: () =>
      guarded('/beszel', async () => {
        if (!settings.beszel) return notConfigured('Beszel', BESZEL_SETTINGS);
        return formatBeszelReport(await fetchBeszel({ settings: settings.beszel, ...clientOptions }));
      }),

    kuma: () =>
      guarded('/kuma', async () => {
        if (!settings.kuma) return notConfigured('Uptime Kuma', KUMA_SETTINGS);
        return formatKumaReport(await fetchKuma({ settings: settings.kuma, ...clientOptions }));
      }),

    ping: (hosts) =>
      guarded('/ping', async () => {
        const targets = hosts.length > 0 ? parsePingArgs(hosts, settings.pingHosts) : settings.pingHosts;
        if (targets.length === 0) return PING_USAGE;
        const results = await pingAll(targets, { pingCommand: deps.pingCommand ?? 'ping', timeoutMs });
        return formatPingResults(results);
      }),
  };
}
