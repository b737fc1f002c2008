// The rest of what a user can send: stickers, polls, locations, contacts, dice, forwarded text, and
// edits of their own messages. Each is shaped and bounded as Telegram's clients and server allow.
import { findBotCommands } from './entities.ts';
import type { FakeTelegramState, Update } from './state.ts';
import { checkUserText, postUserMessage, type UserMessageInput, userObject } from './user.ts';

/** Dice emoji and the highest value each can roll (Bot API `Dice`). */
const DICE_FACES = { '🎲': 6, '🎯': 6, '🎳': 6, '🏀': 5, '⚽': 5, '🎰': 64 } as const;
export type DiceEmoji = keyof typeof DICE_FACES;

export type OtherContent =
  | { kind: 'sticker'; emoji?: string }
  | { kind: 'poll'; question: string; options: string[] }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'contact'; phoneNumber: string; firstName: string; contactUserId?: number }
  | { kind: 'dice'; emoji?: DiceEmoji; value?: number };

const fail = (why: string): never => {
  throw new Error(why);
};

function pollObject(state: FakeTelegramState, question: string, options: string[]) {
  if (question.length < 1 || question.length > 300) fail('a poll question is 1-300 characters');
  if (options.length < 2 || options.length > 12) fail('a poll has 2-12 options');
  if (options.some((option) => option.length < 1 || option.length > 100))
    fail('a poll option is 1-100 characters');
  return {
    id: String(5_000_000_000_000_000_000n + BigInt(state.newCallbackQueryId())),
    question,
    options: options.map((text) => ({ text, voter_count: 0 })),
    total_voter_count: 0,
    is_closed: false,
    is_anonymous: true,
    type: 'regular',
    allows_multiple_answers: false,
  };
}

function contentOf(state: FakeTelegramState, content: OtherContent): { body: object; fileIds: string[] } {
  switch (content.kind) {
    case 'sticker': {
      const file = state.storeFile(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'stickers', undefined, 'image/webp');
      const sticker = {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji: content.emoji ?? '👍',
        file_size: file.bytes.length,
      };
      return { body: { sticker }, fileIds: [file.fileId] };
    }
    case 'poll':
      return { body: { poll: pollObject(state, content.question, content.options) }, fileIds: [] };
    case 'location': {
      const { latitude, longitude } = content;
      if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) fail('a location is within ±90°, ±180°');
      return { body: { location: { latitude, longitude } }, fileIds: [] };
    }
    case 'contact': {
      if (!content.phoneNumber || !content.firstName) fail('a contact has a phone number and a first name');
      const contact = {
        phone_number: content.phoneNumber,
        first_name: content.firstName,
        ...(content.contactUserId !== undefined ? { user_id: content.contactUserId } : {}),
      };
      return { body: { contact }, fileIds: [] };
    }
    case 'dice': {
      const emoji = content.emoji ?? '🎲';
      const value = content.value ?? 1;
      if (!Number.isInteger(value) || value < 1 || value > DICE_FACES[emoji])
        fail(`${emoji} rolls 1-${DICE_FACES[emoji]}`);
      return { body: { dice: { emoji, value } }, fileIds: [] };
    }
  }
}

/** A sticker, poll, location, contact or dice message. */
export function userSendsOther(state: FakeTelegramState, input: UserMessageInput & OtherContent): Update {
  const { body, fileIds } = contentOf(state, input);
  return postUserMessage(state, input, body as Record<string, unknown>, fileIds);
}

/** Text forwarded from another user (`hiddenName`: one who hides their account in forwards). */
export function userForwardsText(
  state: FakeTelegramState,
  input: UserMessageInput & {
    text: string;
    from: { userId: number; firstName: string } | { hiddenName: string };
    date?: number;
  },
): Update {
  checkUserText(input.text, 'text message');
  const date = input.date ?? state.unixNow() - 3600;
  const origin =
    'hiddenName' in input.from
      ? { type: 'hidden_user', sender_user_name: input.from.hiddenName, date }
      : { type: 'user', sender_user: userObject(input.from.userId, input.from.firstName), date };
  // Telegram marks commands in forwarded text too.
  const entities = findBotCommands(input.text);
  return postUserMessage(
    state,
    input,
    { forward_origin: origin, text: input.text, ...(entities.length > 0 ? { entities } : {}) },
    [],
  );
}

/** The user edits the text of their own earlier message: an `edited_message` update. */
export function userEditsText(
  state: FakeTelegramState,
  input: UserMessageInput & { messageId: number; text: string },
): Update {
  const chatId = input.chatId ?? input.userId;
  const stored = state.liveMessage(chatId, input.messageId);
  if (!stored || stored.fromBot || stored.userId !== input.userId)
    throw new Error(`user ${input.userId} has no message ${input.messageId} of their own in chat ${chatId}`);
  if (typeof stored.telegram.text !== 'string')
    throw new Error(`message ${input.messageId} has no text to edit`);
  checkUserText(input.text, 'text message');
  if (stored.telegram.text === input.text) throw new Error('an edit must change the text');
  const entities = findBotCommands(input.text);
  const { entities: _old, ...rest } = stored.telegram;
  stored.telegram = {
    ...rest,
    text: input.text,
    ...(entities.length > 0 ? { entities } : {}),
    edit_date: state.unixNow(),
  } as typeof stored.telegram;
  return state.enqueue({ edited_message: stored.telegram });
}
