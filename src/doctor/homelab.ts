import type { Settings } from '../config/settings.ts';
import { secretsOf } from '../config/settings.ts';
import { fetchBeszel } from '../homelab/beszel/client.ts';
import type { Failure, Result } from '../homelab/http.ts';
import { fetchKuma } from '../homelab/kuma/client.ts';
import { createPbsClient } from '../homelab/pbs/client.ts';
import { probeTarget } from '../homelab/ping/client.ts';
import { createPveClient } from '../homelab/pve/client.ts';
import { type CheckResult, ok, warn } from './check.ts';

/**
 * Each configured homelab service, asked once with its credentials through the bot's own clients.
 * A problem here is a warning: the bot runs, and that command reports the same problem.
 */
export async function checkHomelab(settings: Settings, timeoutMs: number): Promise<CheckResult[]> {
  const options = { timeoutMs, secrets: secretsOf(settings) };
  const checks: Array<Promise<CheckResult>> = [];
  if (settings.pbs) {
    const { pbs } = settings;
    checks.push(
      answered('Proxmox Backup Server', pbs.url, 'PBS', async () => {
        const client = createPbsClient({ settings: pbs, ...options });
        try {
          return await client.nodeStatus();
        } finally {
          await client.close();
        }
      }),
    );
  }
  if (settings.pve) {
    const { pve } = settings;
    checks.push(
      answered('Proxmox VE', pve.url, 'PVE', async () => {
        const client = createPveClient({ settings: pve, ...options });
        try {
          return await client.nodes();
        } finally {
          await client.close();
        }
      }),
    );
  }
  if (settings.beszel) {
    const { beszel } = settings;
    checks.push(
      answered('Beszel', beszel.url, 'BESZEL', () => fetchBeszel({ settings: beszel, ...options })),
    );
  }
  if (settings.kuma) {
    const { kuma } = settings;
    checks.push(answered('Uptime Kuma', kuma.url, 'KUMA', () => fetchKuma({ settings: kuma, ...options })));
  }
  return Promise.all(checks);
}

async function answered(
  name: string,
  url: string,
  prefix: string,
  ask: () => Promise<Result<unknown>>,
): Promise<CheckResult> {
  const result = await ask();
  if (result.ok) return ok(name, `${url} answers, credentials accepted`);
  return warn(name, result.failure.problem, fixFor(result.failure, prefix));
}

function fixFor(failure: Failure, prefix: string): string {
  switch (failure.kind) {
    case 'credentials':
      return prefix === 'KUMA'
        ? 'create an API key in Uptime Kuma (Settings → API Keys) and put it in KUMA_API_KEY'
        : prefix === 'BESZEL'
          ? 'check BESZEL_EMAIL and BESZEL_PASSWORD (a user of the hub)'
          : `check ${prefix}_TOKEN_ID and ${prefix}_TOKEN_SECRET, and that the token may read (Audit role)`;
    case 'fingerprint':
    case 'untrusted-certificate':
      return `set ${prefix}_FINGERPRINT to the certificate's SHA-256 fingerprint (shown in the server's dashboard)`;
    case 'unreachable':
    case 'timeout':
      return `check ${prefix}_URL (scheme, host, port) and that the service is up and reachable from here`;
    default:
      return `check ${prefix}_URL points at the service itself`;
  }
}

/**
 * Whether `ping` may send ICMP here. Where it may not (no `net.ipv4.ping_group_range` for this
 * user, common in unprivileged containers), /ping falls back to TCP connects: a warning.
 */
export async function checkPing(pingCommand: string, timeoutMs: number): Promise<CheckResult> {
  const name = 'ICMP ping';
  const { outcome } = await probeTarget({ name: 'localhost', host: '127.0.0.1' }, { pingCommand, timeoutMs });
  const icmp = (outcome.kind === 'reply' || outcome.kind === 'no-reply') && outcome.method === 'icmp';
  if (icmp) return ok(name, 'allowed: /ping sends real pings');
  const notPermitted =
    (outcome.kind === 'reply' || outcome.kind === 'no-reply' || outcome.kind === 'refused') &&
    outcome.icmpNotPermitted;
  if (notPermitted) {
    return warn(
      name,
      'not permitted (or no ping installed): /ping uses the TCP fallback (ports 22, 443, 80)',
      "allow it: sudo sysctl -w net.ipv4.ping_group_range='0 2147483647' (persist in /etc/sysctl.d/), or install iputils-ping",
    );
  }
  const detail = outcome.kind === 'error' || outcome.kind === 'invalid' ? outcome.message : outcome.kind;
  return warn(name, `ping 127.0.0.1 did not work (${detail})`, 'check that ping (iputils-ping) is installed');
}
