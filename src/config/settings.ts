import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { durationSetting } from './duration.ts';

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

/** Group and supergroup ids are negative (`-1001234567890`); a private chat is never listed. */
const groupChatIds = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (value === '') return [];
    const ids = value.split(',').map((part) => part.trim());
    if (ids.some((id) => !/^-[1-9][0-9]{0,15}$/.test(id))) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated group chat ids (negative numbers)' });
      return z.NEVER;
    }
    return ids.map(Number);
  })
  .optional();

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

const megabytes = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : Number(value)))
  .pipe(z.number({ error: 'must be a number of megabytes' }).positive('must be above 0').optional())
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
  ALLOWED_CHAT_IDS: groupChatIds,
  TRANSCRIBE_URL: httpUrl,
  TRANSCRIBE_API_KEY: optionalText,
  TRANSCRIBE_MODEL: optionalText,
  MAX_DOWNLOAD_MB: megabytes,
  SESSION_IDLE_TIMEOUT: durationSetting('10m'),
  PERMISSION_TIMEOUT: durationSetting('10m'),
  BATCH_WINDOW_MS: millis(DEFAULT_BATCH_WINDOW_MS),
});

const MB = 1024 * 1024;
const PUBLIC_API_ROOT = 'https://api.telegram.org';
/** getFile's cap on the public Bot API server. */
const PUBLIC_DOWNLOAD_LIMIT_MB = 20;
/** A self-hosted Bot API server in `--local` mode serves files up to 2000 MB. */
const SELF_HOSTED_DOWNLOAD_LIMIT_MB = 2000;

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
  /** Groups the bot works in (SPEC.md `ALLOWED_CHAT_IDS`); by default none, only private chats. */
  allowedChatIds: number[];
  /** A speech-to-text endpoint (OpenAI-compatible) for voice messages. */
  transcribe?: { url: string; apiKey?: string; model: string };
  /** Files sent to the bot bigger than this are refused, nothing written. */
  maxDownloadBytes: number;
  /** SESSION_IDLE_TIMEOUT in ms: a live session idle this long has its process ended; 0 never. */
  idleTimeoutMs: number;
  /** How long a permission prompt waits for the owner before it is denied; 0 waits for ever. */
  permissionTimeoutMs: number;
  /** Text messages from one chat within this many ms become one turn; 0: every message is its own. */
  batchWindowMs: number;
  /** Everything in the environment that is not one of our settings: passed through to Claude Code. */
  passthroughEnv: Record<string, string>;
}

/**
 * Every setting in SPEC.md's table, parsed here yet or not (a feature may read its own): the bot's
 * token and the homelab and speech-to-text secrets must never reach Claude Code's environment.
 */
const SPEC_SETTING_NAMES = [
  'SESSION_IDLE_TIMEOUT',
  'PERMISSION_TIMEOUT',
  'BATCH_WINDOW_MS',
  'TRANSCRIBE_URL',
  'TRANSCRIBE_API_KEY',
  'TRANSCRIBE_MODEL',
];

/** The settings SPEC.md defines; none of them is passed through to Claude Code. */
export const SETTING_NAMES = [...new Set([...Object.keys(envSchema.shape), ...SPEC_SETTING_NAMES])];

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

  if (!e.TRANSCRIBE_URL) {
    for (const name of ['TRANSCRIBE_API_KEY', 'TRANSCRIBE_MODEL'] as const) {
      if (e[name]) problems.push(`TRANSCRIBE_URL is required when ${name} is set`);
    }
  }
  const telegramApiRoot = e.TELEGRAM_API_ROOT ?? PUBLIC_API_ROOT;
  const serverLimitMb =
    telegramApiRoot === PUBLIC_API_ROOT ? PUBLIC_DOWNLOAD_LIMIT_MB : SELF_HOSTED_DOWNLOAD_LIMIT_MB;

  const settings: Settings = {
    botToken: e.TELEGRAM_BOT_TOKEN,
    allowedUserIds: e.ALLOWED_USER_IDS,
    telegramApiRoot,
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
    allowedChatIds: e.ALLOWED_CHAT_IDS ?? [],
    ...(e.TRANSCRIBE_URL
      ? {
          transcribe: {
            url: e.TRANSCRIBE_URL,
            ...(e.TRANSCRIBE_API_KEY ? { apiKey: e.TRANSCRIBE_API_KEY } : {}),
            model: e.TRANSCRIBE_MODEL ?? 'whisper-1',
          },
        }
      : {}),
    maxDownloadBytes: Math.floor(Math.min(e.MAX_DOWNLOAD_MB ?? serverLimitMb, serverLimitMb) * MB),
    idleTimeoutMs: e.SESSION_IDLE_TIMEOUT,
    permissionTimeoutMs: e.PERMISSION_TIMEOUT,
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
    settings.transcribe?.apiKey,
  ].filter((value): value is string => Boolean(value));
}
