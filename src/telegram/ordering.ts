import type { Context } from 'grammy';
import { ARCHIVE_PREFIX } from './commands/archive.ts';
import { CANCEL_HELD_PREFIX, STOP_PREFIX } from './commands/control.ts';
import { MODEL_PREFIX } from './commands/output.ts';
import { SWITCH_PREFIX } from './commands/sessions.ts';

/**
 * Button presses that change what the chat's next messages mean, and so must be ordered with them:
 * choosing the active session (`switch:`, see commands/sessions.ts), or text typed right after the
 * press could reach the old session while the switch is still being written; Stop and a usage
 * limit's Cancel (commands/control.ts), or a message typed right after could be dropped with the queue;
 * choosing the model (`model:`, commands/output.ts), or that text could go to the old model;
 * archiving a session (`archive:`, commands/archive.ts), or that text could restart the session being packed.
 */
const ORDERED_BUTTON_PREFIXES = [
  SWITCH_PREFIX,
  STOP_PREFIX,
  CANCEL_HELD_PREFIX,
  MODEL_PREFIX,
  ARCHIVE_PREFIX,
] as const;

/**
 * The key `sequentialize` orders updates by (the runner handles updates concurrently; updates with
 * the same key wait for each other). The rule:
 * - messages (and edits) are ordered per chat;
 * - a button press is ordered with its chat's messages only when its data starts with one of
 *   ORDERED_BUTTON_PREFIXES;
 * - every other press has no key and never waits: a handler may wait for a press in the same chat
 *   (an approval card), and a press queued behind that handler would wait forever.
 * A handler for an ordered press must therefore never wait for another update.
 */
export function orderingKey(ctx: Context): string | undefined {
  const chatId = ctx.chat?.id.toString();
  const press = ctx.callbackQuery;
  if (!press) return chatId;
  const data = press.data ?? '';
  return ORDERED_BUTTON_PREFIXES.some((prefix) => data.startsWith(prefix)) ? chatId : undefined;
}
