import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { type Api, Bot, type Composer, type Context, type Transformer } from 'grammy';
import type { Logger } from '../logging.ts';
import { allowlist } from './auth.ts';
import { COMMANDS, helpCommand } from './commands/help.ts';

export interface BotOptions {
  token: string;
  apiRoot: string;
  allowedUserIds: readonly number[];
  logger: Logger;
  /**
   * Feature middleware (commands, sessions, homelab), installed after the allowlist in this order.
   * Given the bot's api (auto-retry installed) so features can send outside an update.
   */
  features: (api: Api) => Composer<Context>[];
}

/**
 * The runner asks for the next batch of updates the moment a batch arrives, and building that
 * request (about half a millisecond) would run in the middle of handling the batch. Deferring it
 * to the next turn of the event loop lets a message reach Claude first; the long poll loses nothing.
 */
export const pollAfterHandling: Transformer = async (prev, method, payload, signal) => {
  if (method === 'getUpdates') await new Promise<void>((resolve) => setImmediate(resolve));
  return prev(method, payload, signal);
};

/**
 * The grammY bot: allowlist first for every update, then per-chat ordering for messages (button
 * presses are not ordered behind them, so a waiting handler can never deadlock a button), then features.
 */
export function createBot(options: BotOptions): Bot {
  const { logger } = options;
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  bot.api.config.use(pollAfterHandling);

  bot.use(allowlist(options.allowedUserIds, logger));
  bot.use(sequentialize((ctx: Context) => (ctx.callbackQuery ? undefined : ctx.chat?.id.toString())));
  bot.use(helpCommand());
  for (const feature of options.features(bot.api)) bot.use(feature);
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: 'That button has expired.' }));
  bot.on('message', (ctx) => ctx.reply('I only understand text and commands for now. /help lists them.'));
  // Claude already has the original; silence would let the owner believe the correction went through.
  bot.on('edited_message', (ctx) =>
    ctx.reply(
      'Edits are not passed on: Claude got your original text. Send the correction as a new message.',
    ),
  );

  bot.catch(async (error) => {
    logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'update handler failed');
    await tellHandlerFailed(error.ctx, logger);
  });
  return bot;
}

export const HANDLER_FAILED_REPLY =
  "Sorry, that failed on the bot's side (the bot's log has the details). Please try again.";

/** A handler that threw (a full disk, a damaged file) must not leave the owner with silence or a spinning button. */
async function tellHandlerFailed(ctx: Context, logger: Logger): Promise<void> {
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: HANDLER_FAILED_REPLY });
    else if (ctx.chat) await ctx.reply(HANDLER_FAILED_REPLY);
  } catch (error) {
    logger.warn({ err: error }, 'could not tell the owner that an update failed');
  }
}

export async function registerCommandMenu(bot: Bot): Promise<void> {
  await bot.api.setMyCommands(COMMANDS.map(({ command, description }) => ({ command, description })));
}
