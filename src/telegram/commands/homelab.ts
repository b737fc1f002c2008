import { Composer, type Context } from 'grammy';
import type { Homelab } from '../../homelab/index.ts';
import type { Logger } from '../../logging.ts';
import type { Delivery } from '../delivery.ts';

/**
 * `/status`, `/pbs`, `/backups`, `/beszel`, `/kuma`, `/ping`. Each runs detached from the update
 * handler, so a slow service never holds up the chat's other messages.
 */
export function homelabCommands(deps: {
  homelab: Homelab;
  delivery: Delivery;
  logger: Logger;
}): Composer<Context> {
  const { homelab, delivery, logger } = deps;
  const commands = new Composer<Context>();
  const reports: Record<string, (args: string[]) => Promise<string>> = {
    status: () => homelab.status(),
    pbs: () => homelab.pbs(),
    backups: () => homelab.backups(),
    beszel: () => homelab.beszel(),
    kuma: () => homelab.kuma(),
    ping: (args) => homelab.ping(args),
  };
  for (const [command, report] of Object.entries(reports)) {
    commands.command(command, (ctx) => {
      const chatId = ctx.chat.id;
      const args = typeof ctx.match === 'string' ? ctx.match.split(/\s+/).filter(Boolean) : [];
      const typing = delivery.startTyping(chatId);
      void report(args)
        .then((markdown) => delivery.sendMarkdown(chatId, markdown))
        .catch((error: unknown) => {
          logger.error({ err: error, command }, 'homelab command failed');
          return delivery.sendText(chatId, `/${command} failed unexpectedly; see the bot's log.`);
        })
        // Telegram itself unreachable: nothing left to tell the chat, and a rejection here would end the bot.
        .catch((error: unknown) => logger.error({ err: error, command }, 'could not send the homelab reply'))
        .finally(() => typing.stop());
    });
  }
  return commands;
}
