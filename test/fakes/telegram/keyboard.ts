// reply_markup validation with Telegram's error texts. Inline keyboards are checked button by
// button; reply keyboards, keyboard removal and force_reply are accepted as they come.
import { z } from 'zod';

const inlineButton = z.looseObject({
  text: z.unknown().optional(),
  callback_data: z.unknown().optional(),
  url: z.unknown().optional(),
});
export type InlineButton = z.infer<typeof inlineButton>;

const inlineKeyboardSchema = z.looseObject({ inline_keyboard: z.array(z.array(inlineButton)) });
export type InlineKeyboard = z.infer<typeof inlineKeyboardSchema>;

const otherMarkup = z.union([
  z.looseObject({ keyboard: z.array(z.array(z.unknown())) }),
  z.looseObject({ remove_keyboard: z.literal(true) }),
  z.looseObject({ force_reply: z.literal(true) }),
]);

const ACTION_FIELDS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

export type MarkupOutcome =
  | { ok: true; inline?: InlineKeyboard; other?: Record<string, unknown> }
  | { ok: false; description: string };

function checkButton(button: InlineButton): string | null {
  if (typeof button.text !== 'string') {
    return `Bad Request: can't parse inline keyboard button: Field "text" must be of type String`;
  }
  if (button.text.trim() === '') return 'Bad Request: BUTTON_TEXT_INVALID';
  const actions = ACTION_FIELDS.filter((field) => button[field] !== undefined);
  if (actions.length === 0) {
    return "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
  }
  if (button.callback_data !== undefined) {
    if (typeof button.callback_data !== 'string') {
      return `Bad Request: can't parse inline keyboard button: Field "callback_data" must be of type String`;
    }
    const bytes = Buffer.byteLength(button.callback_data, 'utf8');
    if (bytes < 1 || bytes > 64) return 'Bad Request: BUTTON_DATA_INVALID';
  }
  if (button.url !== undefined) {
    if (typeof button.url !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(button.url)) {
      return 'Bad Request: BUTTON_URL_INVALID';
    }
  }
  return null;
}

/** Validates reply_markup (already JSON-decoded when it came as a form string). */
export function checkReplyMarkup(value: unknown): MarkupOutcome {
  if (value === undefined || value === null || value === '') return { ok: true };
  let decoded = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch {
      return { ok: false, description: "Bad Request: can't parse reply keyboard markup JSON object" };
    }
  }
  const inline = inlineKeyboardSchema.safeParse(decoded);
  if (inline.success) {
    for (const row of inline.data.inline_keyboard) {
      for (const button of row) {
        const problem = checkButton(button);
        if (problem) return { ok: false, description: problem };
      }
    }
    return { ok: true, inline: inline.data };
  }
  const other = otherMarkup.safeParse(decoded);
  if (other.success) return { ok: true, other: other.data };
  return { ok: false, description: "Bad Request: can't parse reply keyboard markup JSON object" };
}

export function findCallbackButton(
  markup: InlineKeyboard | undefined,
  data: string,
): InlineButton | undefined {
  return markup?.inline_keyboard.flat().find((button) => button.callback_data === data);
}
