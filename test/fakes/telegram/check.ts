// For unit tests elsewhere: would Telegram accept this HTML as a message text (or caption), and
// what would the user see? Same code path as the fake's sendMessage.
import { prepareText, type TextKind, type TextOutcome } from './text.ts';

export function checkTelegramHtml(html: string, kind: Exclude<TextKind, 'draft'> = 'text'): TextOutcome {
  return prepareText({ text: html, parseMode: 'HTML', entities: undefined }, kind);
}
