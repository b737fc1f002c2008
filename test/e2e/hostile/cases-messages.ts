// What the owner may send that the bot must handle without harm: oversize text and files, odd file
// names, message kinds it does not take, edits, forwards and commands it does not have.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { fileTooBig } from '../../../src/telegram/copy/files.ts';
import { FORWARDED_COMMAND_REPLY } from '../../../src/telegram/copy/sessions.ts';
import type { BotMessage, Update } from '../../fakes/telegram/index.ts';
import { delay, OWNER_ID, waitUntil } from '../harness.ts';
import {
  type CaseGroup,
  DOWNLOAD_LIMIT_MB,
  type HostileCase,
  hidingCharacters,
  type Probe,
} from './probe.ts';

export const NOT_UNDERSTOOD_REPLY = 'I only understand text and commands for now. /help lists them.';
export const EDIT_REPLY =
  'Edits are not passed on: Claude got your original text. Send the correction as a new message.';
const MB = 1024 * 1024;
const count = (text: string, char: string) => text.split(char).length - 1;

/**
 * Every character of an echo arrived, once: the pieces of a split answer come one by one, so this
 * waits for the counts to be reached, then checks none came twice.
 */
async function echoedWhole(p: Probe, messages: BotMessage[], wanted: Record<string, number>): Promise<void> {
  const since = (messages[0]?.messageId ?? 1) - 1;
  const counts = () => {
    const all = p.tg
      .messages(OWNER_ID)
      .filter((m) => m.messageId > since)
      .map((m) => m.text)
      .join('');
    return Object.fromEntries(Object.keys(wanted).map((char) => [char, count(all, char)]));
  };
  const reached = () => Object.entries(wanted).every(([char, n]) => (counts()[char] ?? 0) >= n);
  await waitUntil(reached, 15_000, () => `characters that arrived: ${JSON.stringify(counts())}`);
  await delay(500);
  expect(counts()).toEqual(wanted);
}

/** The inbox of `alpha` after a document arrived: what names the bot gave the files. */
const inbox = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

const document = (label: string, fileName: string, check: (saved: string[]) => void): HostileCase => ({
  name: `a document named ${label}`,
  input: (p) =>
    p.tg.sendDocument({
      userId: OWNER_ID,
      fileName,
      bytes: Buffer.from('hostile\n'),
      caption: 'what is it?',
    }),
  expect: { reply: /^You said: .*what is it\?$/s },
  after: (p) => {
    const names = inbox(p.sessionPath('alpha', 'inbox'));
    for (const name of names) {
      expect(hidingCharacters(name)).toEqual([]);
      expect(name).not.toMatch(/[/\\]|^\.\.?$/);
    }
    check(names);
  },
  timeoutMs: 40_000,
});

const sendFile = (label: string, input: Record<string, unknown>, answer: RegExp): HostileCase => ({
  name: `Claude's send_file with ${label}`,
  input: (p) => p.owner(`send file ${JSON.stringify(input)}`),
  expect: { reply: answer },
  after: (p) => expect(p.tg.messages(OWNER_ID).filter((m) => m.document)).toHaveLength(0),
  timeoutMs: 40_000,
});

const kind = (label: string, send: (p: Probe) => Update): HostileCase => ({
  name: label,
  input: send,
  expect: { reply: NOT_UNDERSTOOD_REPLY },
});

export const messageGroups: CaseGroup[] = [
  {
    name: 'oversize and odd text',
    cases: [
      {
        name: 'text of 4096 characters, the most one message holds',
        input: (p) => p.owner('A'.repeat(4096)),
        expect: { replies: [/^You said:/, /A+$/] },
        after: (p, messages) => echoedWhole(p, messages, { A: 4096 }),
      },
      {
        name: '10 000 characters pasted (the client sends three messages)',
        input: (p) => [p.owner('B'.repeat(4096)), p.owner('C'.repeat(4096)), p.owner('D'.repeat(1808))],
        // Sent at once they arrive within the batch window: one turn, one echo of all three.
        expect: { replies: [/^You said:/, /B+$/, /C+$/, /D+$/] },
        after: (p, messages) => echoedWhole(p, messages, { B: 4096, C: 4096, D: 1808 }),
        timeoutMs: 60_000,
      },
      {
        name: 'text that looks like HTML',
        input: (p) => p.owner('<b>not bold</b> &amp; <script>x</script> </pre>'),
        expect: { reply: 'You said: <b>not bold</b> &amp; <script>x</script> </pre>' },
      },
      {
        name: 'text of zero-width characters only',
        input: (p) => p.owner('\u200B\u200C\u200D\uFEFF'),
        expect: { reply: /^You said:/ },
      },
      {
        name: 'a 4096-character caption (Telegram Premium) on a document',
        input: (p) =>
          p.tg.sendDocument({
            userId: OWNER_ID,
            fileName: 'notes.txt',
            bytes: Buffer.from('n\n'),
            caption: 'E'.repeat(4096),
          }),
        expect: { replies: [/^You said:/, /E+$/] },
        timeoutMs: 40_000,
      },
    ],
  },
  {
    name: 'oversize files and hostile file names',
    cases: [
      {
        name: `a document of ${2 * DOWNLOAD_LIMIT_MB} MB, over the bot's ${DOWNLOAD_LIMIT_MB} MB`,
        input: (p) =>
          p.tg.sendDocument({
            userId: OWNER_ID,
            fileName: 'big.bin',
            bytes: Buffer.alloc(2 * DOWNLOAD_LIMIT_MB * MB),
          }),
        expect: { reply: fileTooBig(2 * DOWNLOAD_LIMIT_MB * MB, DOWNLOAD_LIMIT_MB * MB) },
        after: (p) =>
          expect(inbox(p.sessionPath('alpha', 'inbox')).some((n) => n.includes('big'))).toBe(false),
      },
      document('../../etc/passwd', '../../etc/passwd', (names) =>
        expect(names.some((n) => n.endsWith('passwd'))).toBe(true),
      ),
      document('with U+202E', 'report\u202Etxt.exe', (names) => expect(names.length).toBeGreaterThan(1)),
      document('of 300 characters', `${'l'.repeat(296)}.txt`, (names) =>
        expect(Math.max(...names.map((n) => Buffer.byteLength(n)))).toBeLessThanOrEqual(255),
      ),
      sendFile('/etc/passwd', { path: '/etc/passwd' }, /^Tool said: .*(inside|outside|session)/is),
      sendFile('../../../x', { path: '../../../x' }, /^Tool said: /),
      sendFile(
        'a 2000-character caption',
        { path: 'metadata.json', caption: 'c'.repeat(2000) },
        /^Tool said: /,
      ),
    ],
  },
  {
    name: 'stickers, polls, locations, contacts and dice',
    cases: [
      kind('a sticker', (p) => p.tg.sendOther({ userId: OWNER_ID, kind: 'sticker' })),
      kind('a poll', (p) =>
        p.tg.sendOther({ userId: OWNER_ID, kind: 'poll', question: '/new x?', options: ['a', 'b'] }),
      ),
      kind('a location', (p) =>
        p.tg.sendOther({ userId: OWNER_ID, kind: 'location', latitude: 0, longitude: 0 }),
      ),
      kind('a contact', (p) =>
        p.tg.sendOther({ userId: OWNER_ID, kind: 'contact', phoneNumber: '+1', firstName: '../../root' }),
      ),
      kind('a dice roll', (p) => p.tg.sendOther({ userId: OWNER_ID, kind: 'dice', emoji: '🎰', value: 64 })),
    ],
  },
  {
    name: 'edited and forwarded messages',
    cases: [
      {
        name: 'an edit of a message Claude already answered',
        input: async (p) => {
          const sent = p.owner('first words');
          await p.tg.waitForMessage(OWNER_ID, 'You said: first words', { timeoutMs: 30_000 });
          return p.tg.editText({
            userId: OWNER_ID,
            messageId: (sent.message as { message_id: number }).message_id,
            text: 'other words',
          });
        },
        expect: { reply: EDIT_REPLY },
        timeoutMs: 40_000,
      },
      {
        name: 'an edit that turns a message into a command',
        input: async (p) => {
          const sent = p.owner('second words');
          await p.tg.waitForMessage(OWNER_ID, 'You said: second words', { timeoutMs: 30_000 });
          return p.tg.editText({
            userId: OWNER_ID,
            messageId: (sent.message as { message_id: number }).message_id,
            text: '/new edited',
          });
        },
        expect: { reply: EDIT_REPLY },
        after: (p) => expect(existsSync(p.sessionPath('edited'))).toBe(false),
        timeoutMs: 40_000,
      },
      {
        name: 'text forwarded from someone else',
        input: (p) =>
          p.tg.forwardText({
            userId: OWNER_ID,
            text: 'forwarded words',
            from: { userId: 77, firstName: 'Eve' },
          }),
        expect: { reply: 'You said: forwarded words' },
      },
      {
        name: 'a forwarded command from a hidden user',
        input: (p) =>
          p.tg.forwardText({ userId: OWNER_ID, text: '/new forwarded', from: { hiddenName: 'Mallory' } }),
        expect: { reply: FORWARDED_COMMAND_REPLY },
        after: (p) => expect(existsSync(path.join(p.sessionPath('forwarded'), 'metadata.json'))).toBe(false),
      },
    ],
  },
  {
    name: 'unknown commands',
    cases: [
      ['/foo', 'Unknown command /foo. /help lists the commands.'],
      ['/FOO bar', 'Unknown command /FOO. /help lists the commands.'],
      ['/rm_rf', 'Unknown command /rm_rf. /help lists the commands.'],
      ['/new@other_bot x', 'Unknown command /new@other_bot. /help lists the commands.'],
      [
        '/a_very_long_command_name_that_goes_on',
        'Unknown command /a_very_long_command_name_that_goes_on. /help lists the commands.',
      ],
    ].map(([text, reply]) => ({
      name: `the command ${text}`,
      input: (p) => p.owner(text as string),
      expect: { reply: reply as string },
    })) satisfies HostileCase[],
  },
];
