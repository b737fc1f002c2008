// Turns a bot's text/caption parameters into what the user sees, with Telegram's error texts.
import { fixEntities, trimFormattedText, utf16Length } from './entities.ts';
import { type MessageEntity, parseTelegramHtml } from './html.ts';

export type FormattedText = { text: string; entities: MessageEntity[] };
export type TextOutcome = ({ ok: true } & FormattedText) | { ok: false; description: string };

export interface TextInput {
  text: string | undefined;
  parseMode: string | undefined;
  entities: MessageEntity[] | undefined;
}

export type TextKind = 'text' | 'caption' | 'draft';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export function parseFormatted(
  input: TextInput,
): { ok: true; value: FormattedText } | { ok: false; description: string } {
  const raw = input.text ?? '';
  if (input.entities && input.entities.length > 0) {
    return { ok: true, value: { text: raw, entities: input.entities } };
  }
  const mode = (input.parseMode ?? '').toLowerCase();
  if (mode === '') return { ok: true, value: { text: raw, entities: [] } };
  if (mode === 'html') {
    const parsed = parseTelegramHtml(raw);
    if (!parsed.ok) return { ok: false, description: `Bad Request: can't parse entities: ${parsed.error}` };
    return { ok: true, value: { text: parsed.text, entities: parsed.entities } };
  }
  if (mode === 'markdown' || mode === 'markdownv2') {
    // The bridge renders HTML only; a fake Markdown parser would only pretend to be strict.
    return {
      ok: false,
      description: `Bad Request: parse_mode ${input.parseMode} is not supported by this fake`,
    };
  }
  return { ok: false, description: `Bad Request: unsupported parse_mode` };
}

export function prepareText(input: TextInput, kind: TextKind): TextOutcome {
  const parsed = parseFormatted(input);
  if (!parsed.ok) return parsed;
  const fixed = trimFormattedText(parsed.value.text, fixEntities(parsed.value.entities));
  const length = utf16Length(fixed.text);
  if (kind === 'text' && length === 0)
    return { ok: false, description: 'Bad Request: message text is empty' };
  if (kind === 'caption' && length > CAPTION_LIMIT) {
    return { ok: false, description: 'Bad Request: message caption is too long' };
  }
  if (kind !== 'caption' && length > TEXT_LIMIT) {
    return { ok: false, description: 'Bad Request: message is too long' };
  }
  return { ok: true, ...fixed };
}
