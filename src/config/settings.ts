import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value.replace(/\/+$/, '')))
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
  .optional();

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

const userIds = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .transform((value, ctx) => {
    const ids = value.split(',').map((part) => part.trim());
    if (ids.some((id) => !/^[1-9][0-9]{0,15}$/.test(id))) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated numeric Telegram user ids' });
      return z.NEVER;
    }
    return ids.map(Number);
  });

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

/** Milliseconds, a whole number from 0 to 60 000; empty or unset: `fallback`. */
const millis = (fallback: number) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? String(fallback) : value))
    .pipe(z.string().regex(/^\d{1,5}$/, 'must be a whole number of milliseconds (0 turns it off)'))
    .transform(Number)
    .pipe(z.number().max(60_000, 'must be at most 60000 (one minute)'))
    .optional()
    .transform((value) => value ?? fallback);

/** SPEC.md: text messages from one chat within this window become one turn. */
export const DEFAULT_BATCH_WINDOW_MS = 1500;

const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'does not look like a BotFather token (123456:ABC…)'),
  ALLOWED_USER_IDS: userIds,
  TELEGRAM_API_ROOT: httpUrl,
  DATA_DIR: optionalText,
  CLAUDE_PATH: optionalText,
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
  BATCH_WINDOW_MS: millis(DEFAULT_BATCH_WINDOW_MS),
});

/** A Proxmox API (PVE or PBS): fully configured, or absent. */
export interface ProxmoxSettings {
  url: string;
  tokenId: string;
  tokenSecret: string;
  /** Lower-case hex SHA-256 of the server certificate; without it the system CAs must trust the server. */
  fingerprint?: string;
}

export interface Settings {
  botToken: string;
  allowedUserIds: number[];
  telegramApiRoot: string;
  dataDir: string;
  claudePath?: string;
  pbs?: ProxmoxSettings;
  pve?: ProxmoxSettings;
  beszel?: { url: string; email: string; password: string };
  kuma?: { url: string; apiKey: string };
  pingHosts: PingTarget[];
  /** Text messages from one chat within this many ms become one turn; 0: every message is its own. */
  batchWindowMs: number;
  /** Everything in the environment that is not one of our settings: passed through to Claude Code. */
  passthroughEnv: Record<string, string>;
}

/** The settings SPEC.md defines; none of them is passed through to Claude Code. */
export const SETTING_NAMES = Object.keys(envSchema.shape);

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

function expandHome(dir: string, home: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(home, dir.slice(1)) : dir;
}

/** Validates the environment against SPEC.md's settings table. Never throws. */
export function parseSettings(env: Record<string, string | undefined>): SettingsResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
    return { ok: false, problems: [...new Set(problems)] };
  }
  const e = parsed.data;
  const problems: string[] = [];
  const home = env.HOME ?? os.homedir();

  function group<T>(
    label: string,
    values: Record<string, string | undefined>,
    build: () => T,
  ): T | undefined {
    const missing = Object.entries(values).filter(([, value]) => value === undefined);
    if (missing.length === Object.keys(values).length) return undefined;
    if (missing.length > 0) {
      for (const [name] of missing) problems.push(`${name} is required when ${label} is configured`);
      return undefined;
    }
    return build();
  }

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

  const settings: Settings = {
    botToken: e.TELEGRAM_BOT_TOKEN,
    allowedUserIds: e.ALLOWED_USER_IDS,
    telegramApiRoot: e.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
    dataDir: path.resolve(expandHome(e.DATA_DIR ?? '~/telegram', home)),
    ...(e.CLAUDE_PATH ? { claudePath: e.CLAUDE_PATH } : {}),
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
    batchWindowMs: e.BATCH_WINDOW_MS,
    passthroughEnv: Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => entry[1] !== undefined && !SETTING_NAMES.includes(entry[0]),
      ),
    ),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings };
}

/** Every secret value in the settings, so logs and error messages can scrub them. */
export function secretsOf(settings: Settings): string[] {
  return [
    settings.botToken,
    settings.pbs?.tokenSecret,
    settings.pve?.tokenSecret,
    settings.beszel?.password,
    settings.kuma?.apiKey,
  ].filter((value): value is string => Boolean(value));
}
