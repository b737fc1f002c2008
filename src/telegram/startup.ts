import { type Bot, GrammyError } from 'grammy';
import type { Logger } from '../logging.ts';
import { tokenRejectedLine } from './copy/startup.ts';

/**
 * The bot's first call to Telegram (`getMe`), before polling. An unreachable Telegram is retried by
 * retry.ts (a warning per try with the next delay, one line when reached again); a token Telegram
 * rejects never heals, so it ends the bot with one plain line and exit status 2 (the systemd unit's
 * RestartPreventExitStatus=2: no restart loop on it).
 */

/** Telegram's answers to getMe that mean the token is wrong: 401 Unauthorized, 404 for a malformed one. */
const TOKEN_REJECTED = new Set([401, 404]);

export type TelegramConnection = { ok: true; username: string } | { ok: false; status: number };

/** Calls getMe until Telegram answers; the bot's name, or the status that rejected the token. */
export async function connectToTelegram(bot: Bot): Promise<TelegramConnection> {
  try {
    await bot.init();
    return { ok: true, username: bot.botInfo.username };
  } catch (error) {
    if (error instanceof GrammyError && TOKEN_REJECTED.has(error.error_code))
      return { ok: false, status: error.error_code };
    throw error;
  }
}

export interface ConnectDeps {
  logger: Logger;
  /** Default: stderr and `process.exit`; tests record them. */
  writeLine?: (line: string) => void;
  exit?: (code: number) => never;
}

/** `connectToTelegram`, ending the process (status 2) with a plain line when the token is rejected. */
export async function connectOrExplain(bot: Bot, deps: ConnectDeps): Promise<void> {
  const connection = await connectToTelegram(bot);
  if (connection.ok) {
    deps.logger.info({ bot: connection.username }, 'connected to Telegram');
    return;
  }
  const line = tokenRejectedLine(connection.status);
  if (deps.writeLine) deps.writeLine(line);
  else process.stderr.write(`${line}\n`);
  if (deps.exit) deps.exit(2);
  else process.exit(2);
}
