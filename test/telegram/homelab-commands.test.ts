/**
 * The homelab commands' wiring: a report runs detached from the update, so whatever goes wrong
 * after the handler returned must be caught there, or Node ends the whole bot.
 */
import { HttpError } from 'grammy';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Homelab } from '../../src/homelab/index.ts';
import { homelabCommands } from '../../src/telegram/commands/homelab.ts';
import type { Delivery } from '../../src/telegram/delivery.ts';
import { captureLogger } from '../sessions/helpers.ts';
import { offlineBot, textUpdate } from './offline-bot.ts';

const OWNER = 4242;

const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);
afterEach(() => {
  process.off('unhandledRejection', recordUnhandled);
  unhandled.length = 0;
});

function telegramDown(): Delivery & { attempts: string[] } {
  const attempts: string[] = [];
  const down = () => Promise.reject(new HttpError('Network request failed', new Error('ECONNRESET')));
  return {
    attempts,
    sendMarkdown: () => {
      attempts.push('sendMarkdown');
      return down();
    },
    sendText: () => {
      attempts.push('sendText');
      return down();
    },
    startTyping: () => ({ stop() {} }),
    statusLine: () => ({ update() {}, done: async () => {} }),
  };
}

describe('homelab commands', () => {
  it('a report that cannot be delivered because Telegram is down is logged, not thrown at Node', async () => {
    process.on('unhandledRejection', recordUnhandled);
    const { logger, lines } = captureLogger();
    const delivery = telegramDown();
    const homelab = { kuma: async () => '*All up*' } as unknown as Homelab;
    const bot = offlineBot();
    bot.use(homelabCommands({ homelab, delivery, logger }));
    await bot.handleUpdate(textUpdate(OWNER, '/kuma') as Update);
    await vi.waitFor(() => expect(delivery.attempts).toEqual(['sendMarkdown', 'sendText']));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
    expect(lines.some((line) => line.level >= 50 && line.command === 'kuma')).toBe(true);
  });
});
