import { InlineKeyboard } from 'grammy';
import type { ClaudeError } from '../claude/events.ts';

/** callback_data prefix of the `Start fresh` button; names are ≤ 32 bytes, well inside Telegram's 64. */
export const FRESH_PREFIX = 'fresh:';
export const START_FRESH_LABEL = 'Start fresh';

/** The buttons a failure notice comes with: `Start fresh` when the conversation cannot be resumed. */
export function errorButtons(error: ClaudeError, session: string): InlineKeyboard | undefined {
  if (error.kind !== 'conversation_not_found') return undefined;
  return new InlineKeyboard().text(`🆕 ${START_FRESH_LABEL}`, `${FRESH_PREFIX}${session}`);
}
