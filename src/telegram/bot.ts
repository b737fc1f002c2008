import { type RunnerHandle, run, sequentialize } from '@grammyjs/runner';
import { Bot, type Context, type MiddlewareFn } from 'grammy';
import type { Logger } from '../logging.ts';
import { type ApiOptions, apiClientOptions, configureApi } from './api.ts';
import { allowlist } from './auth.ts';
import { COMMANDS } from './commands/help.ts';
import { handlerFailedReply } from './copy/failures.ts';
import { FORWARDED_COMMAND_REPLY } from './copy/sessions.ts';
import type { TelegramJournal } from './journal.ts';
import { orderingKey } from './ordering.ts';

/** grammY's bot, for the composition root (which imports grammY only through here). */
export type { Bot };

export interface BotOptions {
  token: string;
  apiRoot: string;
  allowedUserIds: readonly number[];
  /** Groups the bot works in (ALLOWED_CHAT_IDS); by default none: private chats only. */
  allowedChatIds?: readonly number[];
  /** The durable inbound journal (journal.ts); without it, updates are only in memory. */
  journal?: TelegramJournal;
  logger: Logger;
  /** Tests shorten the waits between retries of failed calls. */
  retry?: ApiOptions['retry'];
  /** Tests that count calls themselves may turn the bot's flood pacing off (api.ts). */
  floodLimits?: ApiOptions['floodLimits'];
}

/**
 * The grammY bot before its features: the api with its retries (api.ts), the inbound journal
 * outermost around getUpdates and first for every update (so refused updates are marked done
 * too), then the allowlist (auth.ts), per-chat ordering (ordering.ts), and the error handler. The caller builds the
 * features from `bot.api`, installs them with `bot.use`, then calls `installFallbacks`.
 *
 * @example
 * const bot = createBot({ token, apiRoot, allowedUserIds, logger });
 * bot.use(helpCommand(), sessionCommands({ … }));
 * installFallbacks(bot);
 * const runner = startPolling(bot, logger);
 */
export function createBot(options: BotOptions): Bot {
  const { logger } = options;
  const bot = new Bot(options.token, { client: apiClientOptions(options.apiRoot) });
  configureApi(bot.api, {
    logger,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.floodLimits !== undefined ? { floodLimits: options.floodLimits } : {}),
  });
  // Installed last, so it runs outermost: it sees exactly the batch the runner gets, after retries.
  if (options.journal) bot.api.config.use(options.journal.transformer);

  if (options.journal) bot.use(options.journal.middleware);
  bot.use(
    allowlist(
      { allowedUserIds: options.allowedUserIds, allowedChatIds: options.allowedChatIds ?? [] },
      logger,
    ),
  );
  bot.use(sequentialize(orderingKey));
  bot.use(refuseForwardedCommands);
  bot.catch(async (error) => {
    logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'update handler failed');
    await tellHandlerFailed(error.ctx, error.error, logger);
  });
  return bot;
}

/**
 * A forwarded `/archive x` or `/new x` quotes someone else: running it would let whoever wrote it
 * act through the owner. Forwarded text without a command at its start goes on to Claude as usual.
 */
const refuseForwardedCommands: MiddlewareFn<Context> = async (ctx, next) => {
  const message = ctx.message;
  const startsWithCommand = message?.entities?.some(
    (entity) => entity.type === 'bot_command' && entity.offset === 0,
  );
  if (message?.forward_origin && startsWithCommand) {
    await ctx.reply(FORWARDED_COMMAND_REPLY);
    return;
  }
  await next();
};

/** The answers to updates no feature claimed: an owner's message is never met with silence. */
export function installFallbacks(bot: Bot): void {
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: 'That button has expired.' }));
  bot.on('message', (ctx) => ctx.reply('I only understand text and commands for now. /help lists them.'));
  // Claude already has the original; silence would let the owner believe the correction went through.
  bot.on('edited_message', (ctx) =>
    ctx.reply(
      'Edits are not passed on: Claude got your original text. Send the correction as a new message.',
    ),
  );
}

/**
 * Long polling with the runner. Its own retries never come into play: retry.ts retries every failed
 * getUpdates (and getMe) until Telegram answers, except 401 and 409, which end polling here.
 */
export function startPolling(bot: Bot, logger: Logger): RunnerHandle {
  // silent: the runner would print those two errors with console.error, past the log.
  const runner = run(bot, { runner: { silent: true } });
  runner.task()?.catch((error: unknown) => {
    logger.error(
      { err: error },
      'polling stopped: Telegram refused getUpdates (token revoked, or another instance polls)',
    );
  });
  return runner;
}

export { HANDLER_FAILED_REPLY } from './copy/failures.ts';

/** A handler that threw (a full disk, a damaged file) must not leave the owner with silence or a spinning button. */
async function tellHandlerFailed(ctx: Context, error: unknown, logger: Logger): Promise<void> {
  const text = handlerFailedReply(error);
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else if (ctx.chat) await ctx.reply(text);
  } catch (error) {
    logger.warn({ err: error }, 'could not tell the owner that an update failed');
  }
}

export async function registerCommandMenu(bot: Bot): Promise<void> {
  await bot.api.setMyCommands(COMMANDS.map(({ command, description }) => ({ command, description })));
}
