import type { Api } from 'grammy';
import type { Logger } from '../../logging.ts';
import { errorText } from './refusals.ts';
import type { DeliveryTimers } from './timers.ts';

/** Shows "typing…" in `chatId` now and every `intervalMs` until stop() is called. Never throws. */
export function startTyping(
  api: Api,
  logger: Logger,
  chatId: number,
  options: { intervalMs: number; timers: DeliveryTimers },
): { stop(): void } {
  const sendTyping = (): void => {
    api.sendChatAction(chatId, 'typing').catch((error: unknown) => {
      logger.debug({ chatId, error: errorText(error) }, 'typing indicator failed');
    });
  };
  sendTyping();
  const handle = options.timers.setInterval(sendTyping, options.intervalMs);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      options.timers.clearInterval(handle);
    },
  };
}
