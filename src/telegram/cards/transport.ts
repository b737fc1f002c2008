import { type Api, InlineKeyboard } from 'grammy';
import type { Logger } from '../../logging.ts';
import { isNotModified, isRefusal, NO_PREVIEW } from '../delivery/refusals.ts';
import type { CardButton } from './approval-card.ts';

/** Showing cards in a chat: a message with buttons, edited as the card changes and once it is decided. */
export interface CardTransport {
  /** Sends the card; resolves with its message id. Throws when Telegram cannot be reached or refuses. */
  send(chatId: number, html: string, rows: CardButton[][]): Promise<number>;
  /** Edits the card to `html` with `rows` (none: the buttons go). Never throws: a failed edit is logged. */
  edit(chatId: number, messageId: number, html: string, rows?: CardButton[][]): Promise<void>;
  /** Resolves once the edits under way have finished (for shutdown). */
  drained(): Promise<void>;
}

export function keyboardOf(rows: CardButton[][]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const row of rows) {
    for (const button of row) keyboard.text(button.text, button.data);
    keyboard.row();
  }
  return keyboard;
}

export function createCardTransport(api: Api, logger: Logger): CardTransport {
  const editing = new Set<Promise<void>>();
  const editNow = async (chatId: number, messageId: number, html: string, rows: CardButton[][]) => {
    try {
      await api.editMessageText(chatId, messageId, html, {
        parse_mode: 'HTML',
        ...NO_PREVIEW,
        reply_markup: keyboardOf(rows),
      });
    } catch (error) {
      if (isNotModified(error)) return;
      const level = isRefusal(error) ? 'warn' : 'error';
      logger[level]({ err: error, chatId, messageId }, 'could not edit a card');
    }
  };
  return {
    async send(chatId, html, rows) {
      const sent = await api.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        ...NO_PREVIEW,
        ...(rows.length > 0 ? { reply_markup: keyboardOf(rows) } : {}),
      });
      return sent.message_id;
    },
    edit(chatId, messageId, html, rows = []) {
      // Begun on the next turn of the event loop: the decision reaches Claude Code first.
      const edit = new Promise((resolve) => setImmediate(resolve))
        .then(() => editNow(chatId, messageId, html, rows))
        .finally(() => editing.delete(edit));
      editing.add(edit);
      return edit;
    },
    async drained() {
      // Cards settled just now edit themselves a few microtasks later.
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.allSettled([...editing]);
    },
  };
}
