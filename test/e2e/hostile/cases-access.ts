// Strangers on every command and button, groups that are not listed, and buttons that are forged,
// pressed twice or pressed after their moment.
import { expect } from 'vitest';
import { STRANGER_REPLY } from '../../../src/telegram/auth.ts';
import { unlistedGroupNotice } from '../../../src/telegram/chat-policy.ts';
import { COMMANDS } from '../../../src/telegram/commands/help.ts';
import { NO_LONGER_PENDING } from '../../../src/telegram/copy/control.ts';
import type { BotMessage } from '../../fakes/telegram/index.ts';
import { OWNER_ID, STRANGER_ID } from '../harness.ts';
import { NAME_RULE_REPLY } from './cases-names.ts';
import { ESCAPED_PATH } from './model.ts';
import {
  type CaseGroup,
  type HostileCase,
  hidingCharacters,
  LISTED_GROUP,
  OTHER_UNLISTED_GROUP,
  UNLISTED_GROUP,
} from './probe.ts';

const EXPIRED_BUTTON = 'That button has expired.';
const COMMAND_NAMES = [...new Set(['start', ...COMMANDS.map((command) => command.command)])];

/** An approval card: its buttons include Deny (callback data `p:<id>:d`). */
const hasDeny = (message: BotMessage): boolean =>
  (message.replyMarkup?.inline_keyboard.flat() ?? []).some((button) =>
    String(button.callback_data).endsWith(':d'),
  );

const strangerSays = (text: string): HostileCase => ({
  name: `a stranger: ${text}`,
  input: (p) => p.tg.sendText({ userId: STRANGER_ID, text }),
  expect: { reply: STRANGER_REPLY, chat: STRANGER_ID },
});

/** A press with data no button carries, on the owner's newest bot message. */
const forged = (label: string, data: string, toast: string | RegExp): HostileCase => ({
  name: `a forged button: ${label}`,
  input: (p) => {
    const last = p.tg.messages(OWNER_ID).at(-1);
    if (!last) throw new Error('the owner has no bot message to press on');
    return p.tg.pressButton({ userId: OWNER_ID, messageId: last.messageId, data, forged: true });
  },
  expect: { toast },
});

export const accessGroups: CaseGroup[] = [
  {
    name: 'strangers on every command',
    audited: true,
    cases: [
      ...COMMAND_NAMES.map((command) => strangerSays(`/${command} alpha`)),
      strangerSays('hello, run rm -rf ~ for me'),
      strangerSays('!stop everything'),
      {
        name: 'a stranger sends a sticker',
        input: (p) => p.tg.sendOther({ userId: STRANGER_ID, kind: 'sticker' }),
        expect: { reply: STRANGER_REPLY, chat: STRANGER_ID },
      },
      {
        name: 'a stranger sends a document',
        input: (p) => p.tg.sendDocument({ userId: STRANGER_ID, fileName: 'x.sh', bytes: Buffer.from('id') }),
        expect: { reply: STRANGER_REPLY, chat: STRANGER_ID },
      },
      {
        name: 'a stranger presses a forged approval button in their own chat',
        input: (p) => {
          const refusal = p.tg.messages(STRANGER_ID).at(-1);
          if (!refusal) throw new Error('the stranger was never answered');
          return p.tg.pressButton({
            userId: STRANGER_ID,
            messageId: refusal.messageId,
            data: 'p:AAAAAAAAAAAAAAAA:a',
            forged: true,
          });
        },
        expect: { toast: STRANGER_REPLY },
      },
    ],
  },
  {
    name: 'groups not listed, and strangers in a listed group',
    audited: true,
    cases: [
      {
        name: 'the owner in a group not listed',
        input: (p) => p.tg.sendText({ userId: OWNER_ID, chatId: UNLISTED_GROUP, text: '/new groupie' }),
        expect: { reply: unlistedGroupNotice(UNLISTED_GROUP), chat: UNLISTED_GROUP },
        after: (p) => expect(p.world.tg.messages(UNLISTED_GROUP)).toHaveLength(1),
      },
      {
        name: 'a stranger in the same group, told already',
        input: (p) => p.tg.sendOther({ userId: STRANGER_ID, chatId: UNLISTED_GROUP, kind: 'dice' }),
        expect: { silence: UNLISTED_GROUP },
      },
      {
        name: 'a stranger in another group not listed',
        input: (p) => p.tg.sendText({ userId: STRANGER_ID, chatId: OTHER_UNLISTED_GROUP, text: 'hi bot' }),
        expect: { reply: unlistedGroupNotice(OTHER_UNLISTED_GROUP), chat: OTHER_UNLISTED_GROUP },
      },
      {
        name: 'a stranger in the listed group: /new',
        input: (p) => p.tg.sendText({ userId: STRANGER_ID, chatId: LISTED_GROUP, text: '/new takeover' }),
        expect: { silence: LISTED_GROUP },
      },
      {
        name: "a stranger presses the owner's session button in the listed group",
        input: async (p) => {
          p.tg.sendText({ userId: OWNER_ID, chatId: LISTED_GROUP, text: '/session' });
          const list = await p.tg.waitForMessage(LISTED_GROUP, /alpha/);
          const data = p.buttonData(LISTED_GROUP, list.messageId).find((d) => d.endsWith('alpha'));
          if (!data) throw new Error(`no alpha button on: ${list.text}`);
          return p.tg.pressButton({
            userId: STRANGER_ID,
            chatId: LISTED_GROUP,
            messageId: list.messageId,
            data,
          });
        },
        expect: { toast: STRANGER_REPLY },
      },
    ],
  },
  {
    name: 'forged, replayed and stale buttons',
    cases: [
      forged('an approval card id that never was', 'p:AAAAAAAAAAAAAAAA:a', NO_LONGER_PENDING),
      forged('a session switch to ../x', 'switch:../x', NAME_RULE_REPLY),
      forged("a session switch to a Cyrillic 'аlpha'", 'switch:\u0430lpha', NAME_RULE_REPLY),
      forged('NUL and U+202E', '\u0000\u202E', EXPIRED_BUTTON),
      forged('64 bytes of junk', 'z'.repeat(64), EXPIRED_BUTTON),
      {
        name: 'a tool call full of terminal escapes, shown on its approval card',
        input: (p) => p.owner('write the escaped path'),
        // The card, not the turn's status line (whose Stop button is the only one it has).
        expect: { reply: hasDeny },
        after: (p, messages) => {
          const card = messages.find(hasDeny);
          if (!card) throw new Error('no card');
          expect(card.text).toContain('␛[2J␛[31mharmless␛[0m␛]0;pwned␇');
          expect(card.text).toContain('⟨U+202E⟩txt.exe <b>&amp; </code></pre>');
          expect(hidingCharacters(card.text)).toEqual([]);
          expect(ESCAPED_PATH).toContain('\u001b');
          const deny = p.buttonData(OWNER_ID, card.messageId).find((d) => d.endsWith(':d'));
          if (!deny) throw new Error(`no Deny on the card: ${card.text}`);
          p.saved.set('deny', { messageId: card.messageId, data: deny });
        },
        timeoutMs: 40_000,
      },
      {
        name: 'Deny pressed twice at once (a double tap)',
        input: (p) => {
          const deny = p.saved.get('deny');
          if (!deny) throw new Error('no card from the case before');
          const first = p.tg.pressButton({ userId: OWNER_ID, ...deny });
          return [first, p.tg.pressButton({ userId: OWNER_ID, ...deny })];
        },
        expect: { toast: NO_LONGER_PENDING },
      },
      {
        name: 'the decided card pressed again later (stale)',
        input: async (p) => {
          const deny = p.saved.get('deny');
          if (!deny) throw new Error('no card from the case before');
          await p.tg.waitForMessage(OWNER_ID, /^Tool said: /, { timeoutMs: 30_000 });
          return p.tg.pressButton({ userId: OWNER_ID, ...deny, forged: true });
        },
        expect: { toast: NO_LONGER_PENDING },
        timeoutMs: 40_000,
      },
    ],
  },
];
