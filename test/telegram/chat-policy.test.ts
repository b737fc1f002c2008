import { describe, expect, it } from 'vitest';
import {
  type ChatVerdict,
  decideChat,
  GroupNotices,
  type UpdateOrigin,
  unlistedGroupNotice,
} from '../../src/telegram/chat-policy.ts';

const OWNER = 42;
const STRANGER = 666;
const LISTED = -1_001_234_567_890;
const UNLISTED = -1_009_999_999_999;
const policy = { allowedUserIds: new Set([OWNER, 7]), allowedChatIds: new Set([LISTED, -4_321]) };

const cases: Array<[string, UpdateOrigin, ChatVerdict]> = [
  [
    'an allowed user in a private chat',
    { userId: OWNER, chatId: OWNER, chatType: 'private' },
    { kind: 'obey' },
  ],
  [
    'a stranger in a private chat is told',
    { userId: STRANGER, chatId: STRANGER, chatType: 'private' },
    { kind: 'stranger', tell: true },
  ],
  [
    'an allowed user in a listed supergroup',
    { userId: OWNER, chatId: LISTED, chatType: 'supergroup' },
    { kind: 'obey' },
  ],
  [
    'an allowed user in a listed basic group',
    { userId: 7, chatId: -4_321, chatType: 'group' },
    { kind: 'obey' },
  ],
  [
    'a stranger in a listed group is ignored without a word',
    { userId: STRANGER, chatId: LISTED, chatType: 'supergroup' },
    { kind: 'stranger', tell: false },
  ],
  [
    'an allowed user in an unlisted group',
    { userId: OWNER, chatId: UNLISTED, chatType: 'supergroup' },
    { kind: 'unlisted-group', chatId: UNLISTED },
  ],
  [
    'a stranger in an unlisted group',
    { userId: STRANGER, chatId: UNLISTED, chatType: 'group' },
    { kind: 'unlisted-group', chatId: UNLISTED },
  ],
  [
    'a channel post, even in a listed chat',
    { userId: undefined, chatId: LISTED, chatType: 'channel' },
    { kind: 'channel' },
  ],
  [
    'an allowed user with no chat (inline query)',
    { userId: OWNER, chatId: undefined, chatType: undefined },
    { kind: 'obey' },
  ],
  [
    'an update with no user at all in a private chat',
    { userId: undefined, chatId: OWNER, chatType: 'private' },
    { kind: 'stranger', tell: true },
  ],
];

describe('decideChat', () => {
  it.each(cases)('%s', (_label, origin, verdict) => {
    expect(decideChat(origin, policy)).toEqual(verdict);
  });

  it('obeys no group at all by default', () => {
    const defaults = { allowedUserIds: new Set([OWNER]), allowedChatIds: new Set<number>() };
    expect(decideChat({ userId: OWNER, chatId: LISTED, chatType: 'supergroup' }, defaults)).toEqual({
      kind: 'unlisted-group',
      chatId: LISTED,
    });
  });
});

describe('unlisted groups', () => {
  it('are told once each, with the id to list', () => {
    const notices = new GroupNotices();
    expect([notices.firstTime(UNLISTED), notices.firstTime(UNLISTED), notices.firstTime(-5)]).toEqual([
      true,
      false,
      true,
    ]);
    const notice = unlistedGroupNotice(UNLISTED);
    expect(notice).toContain(`add ${UNLISTED} to ALLOWED_CHAT_IDS`);
  });
});
