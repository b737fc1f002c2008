import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { durationSetting } from './duration.ts';
import { groupChatIds, httpUrl, megabytes, millis, optionalText, userIds } from './fields.ts';
import { type HomelabSettings, homelabFields, homelabSettings, type SettingGroup } from './homelab.ts';

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
  ...homelabFields,
  ALLOWED_CHAT_IDS: groupChatIds,
  TRANSCRIBE_URL: httpUrl,
  TRANSCRIBE_API_KEY: optionalText,
  TRANSCRIBE_MODEL: optionalText,
  MAX_DOWNLOAD_MB: megabytes,
  SESSION_IDLE_TIMEOUT: durationSetting('10m'),
  PERMISSION_TIMEOUT: durationSetting('10m'),
  BATCH_WINDOW_MS: millis(DEFAULT_BATCH_WINDOW_MS),
  TELEGRAM_FLOOD_PACING: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
});

const MB = 1024 * 1024;
const PUBLIC_API_ROOT = 'https://api.telegram.org';
/** getFile's cap on the public Bot API server. */
const PUBLIC_DOWNLOAD_LIMIT_MB = 20;
/** A self-hosted Bot API server in `--local` mode serves files up to 2000 MB. */
const SELF_HOSTED_DOWNLOAD_LIMIT_MB = 2000;

export interface Settings extends HomelabSettings {
  botToken: string;
  allowedUserIds: number[];
  telegramApiRoot: string;
  dataDir: string;
  claudePath?: string;
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
  /**
   * Sends kept within Telegram's flood limits (telegram/flood-pacing.ts). Off only against a
   * Telegram-like server without them (the benchmarks' fake), where pacing would be measured as latency.
   */
  floodPacing: boolean;
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

  const group: SettingGroup = (label, values, build) => {
    const missing = Object.entries(values).filter(([, value]) => value === undefined);
    if (missing.length === Object.keys(values).length) return undefined;
    if (missing.length > 0) {
      for (const [name] of missing) problems.push(`${name} is required when ${label} is configured`);
      return undefined;
    }
    return build();
  };

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
    ...homelabSettings(e, group),
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
    floodPacing: e.TELEGRAM_FLOOD_PACING === 'on',
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
