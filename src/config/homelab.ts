import { z } from 'zod';
import { httpUrl, optionalText } from './fields.ts';

/** A SHA-256 certificate fingerprint, as Proxmox shows it (`AB:CD:…`) or as plain hex. */
const fingerprint = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value.replace(/:/g, '').toLowerCase()))
  .pipe(
    z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 fingerprint (64 hex digits, colons allowed)')
      .optional(),
  );

/** A host `/ping` checks (PING_HOSTS: `name=host[:port]`). */
export interface PingTarget {
  name: string;
  host: string;
  port?: number;
}

const pingHosts = z
  .string()
  .trim()
  .transform((value, ctx): PingTarget[] => {
    if (value === '') return [];
    const targets: PingTarget[] = [];
    for (const entry of value.split(',')) {
      const match = /^([^=\s]+)=([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(entry.trim());
      const port = match?.[3] === undefined ? undefined : Number(match[3]);
      if (!match?.[1] || !match[2] || (port !== undefined && (port < 1 || port > 65535))) {
        ctx.addIssue({
          code: 'custom',
          message: `has a malformed entry '${entry.trim()}' (want name=host[:port])`,
        });
        return z.NEVER;
      }
      targets.push({ name: match[1], host: match[2].replace(/^\[|\]$/g, ''), ...(port ? { port } : {}) });
    }
    return targets;
  })
  .optional();

/** A Proxmox API (PVE or PBS): fully configured, or absent. */
export interface ProxmoxSettings {
  url: string;
  tokenId: string;
  tokenSecret: string;
  /** Lower-case hex SHA-256 of the server certificate; without it the system CAs must trust the server. */
  fingerprint?: string;
}

export interface HomelabSettings {
  pbs?: ProxmoxSettings;
  pve?: ProxmoxSettings;
  beszel?: { url: string; email: string; password: string };
  kuma?: { url: string; apiKey: string };
  pingHosts: PingTarget[];
}

/** The homelab's settings in the environment, each service's together. */
export const homelabFields = {
  PBS_URL: httpUrl,
  PBS_TOKEN_ID: optionalText,
  PBS_TOKEN_SECRET: optionalText,
  PBS_FINGERPRINT: fingerprint.optional(),
  PVE_URL: httpUrl,
  PVE_TOKEN_ID: optionalText,
  PVE_TOKEN_SECRET: optionalText,
  PVE_FINGERPRINT: fingerprint.optional(),
  BESZEL_URL: httpUrl,
  BESZEL_EMAIL: optionalText,
  BESZEL_PASSWORD: optionalText,
  KUMA_URL: httpUrl,
  KUMA_API_KEY: optionalText,
  PING_HOSTS: pingHosts,
};

type HomelabEnv = z.infer<z.ZodObject<typeof homelabFields>>;

/**
 * A service is configured with all of its settings or none: `build` runs when all are given,
 * and each one missing of a service given some is reported.
 */
export type SettingGroup = <T>(
  label: string,
  values: Record<string, string | undefined>,
  build: () => T,
) => T | undefined;

/** The services to report on: those fully configured. */
export function homelabSettings(e: HomelabEnv, group: SettingGroup): HomelabSettings {
  const proxmox = (prefix: 'PBS' | 'PVE') =>
    group(
      prefix,
      {
        [`${prefix}_URL`]: e[`${prefix}_URL`],
        [`${prefix}_TOKEN_ID`]: e[`${prefix}_TOKEN_ID`],
        [`${prefix}_TOKEN_SECRET`]: e[`${prefix}_TOKEN_SECRET`],
      },
      (): ProxmoxSettings => ({
        url: e[`${prefix}_URL`] as string,
        tokenId: e[`${prefix}_TOKEN_ID`] as string,
        tokenSecret: e[`${prefix}_TOKEN_SECRET`] as string,
        ...(e[`${prefix}_FINGERPRINT`] ? { fingerprint: e[`${prefix}_FINGERPRINT`] } : {}),
      }),
    );
  return {
    pbs: proxmox('PBS'),
    pve: proxmox('PVE'),
    beszel: group(
      'Beszel',
      { BESZEL_URL: e.BESZEL_URL, BESZEL_EMAIL: e.BESZEL_EMAIL, BESZEL_PASSWORD: e.BESZEL_PASSWORD },
      () => ({
        url: e.BESZEL_URL as string,
        email: e.BESZEL_EMAIL as string,
        password: e.BESZEL_PASSWORD as string,
      }),
    ),
    kuma: group('Uptime Kuma', { KUMA_URL: e.KUMA_URL, KUMA_API_KEY: e.KUMA_API_KEY }, () => ({
      url: e.KUMA_URL as string,
      apiKey: e.KUMA_API_KEY as string,
    })),
    pingHosts: e.PING_HOSTS ?? [],
  };
}
