/**
 * Output as the owner reads it, end to end with the real CLI: answers streamed as written without
 * meeting flood control, the output modes, /model switching the model Claude Code asks for, /last.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Script } from '../fakes/anthropic/index.ts';
import { OWNER_ID, type World, waitUntil, withRunningBot } from './harness.ts';

const chat = OWNER_ID;
const group = -1_000_404;

/** About 5,000 characters, written in 25 pieces 200 ms apart. */
const LONG_PIECES = Array.from(
  { length: 25 },
  (_, n) => `Paragraph ${n}: ${'streamed words '.repeat(12)}\n\n`,
);
const LONG_ANSWER = LONG_PIECES.join('').trim();

const SMART_ANSWER = [
  '# Disk report',
  'Two disks are nearly full.',
  '## sda',
  `At 91 percent. ${'Details about sda. '.repeat(50)}`,
  '## sdb',
  `At 88 percent. ${'Details about sdb. '.repeat(50)}`,
].join('\n');

const script: Script = (turn) => {
  const [toolResult] = turn.toolResults;
  if (toolResult) return { text: 'Read it.' };
  const text = turn.userText;
  if (text === 'long please') return { text: LONG_ANSWER, chunks: LONG_PIECES, chunkDelayMs: 200 };
  if (text === 'read notes') return { toolUse: { name: 'Read', input: { file_path: notesPath } } };
  if (text === 'report') return { text: SMART_ANSWER };
  return { text: `You said: ${text}` };
};

let notesPath = '';

describe('output end to end', () => {
  let world: World;

  withRunningBot(
    async (started) => {
      world = started;
      started.say('/new alpha');
      await started.tg.waitForMessage(chat, "Session 'alpha' created.");
      notesPath = path.join(started.dataDir, 'sessions/alpha/notes.txt');
      writeFileSync(notesPath, 'remember the <milk>\n');
    },
    { script },
  );

  const no429 = () => world.tg.calls.filter((call) => call.status === 429);

  it('streams a long answer as drafts in a private chat, then sends it whole, with no 429', async () => {
    world.say('long please');
    await world.tg.waitForMessage(chat, 'Paragraph 24', { timeoutMs: 60_000 });
    const drafts = world.tg.drafts(chat);
    expect(drafts.length).toBeGreaterThan(1);
    expect(drafts[0]?.text).toContain('Paragraph 0');
    // The whole answer arrives as messages (two: it is longer than one message may be).
    const shown = world.tg
      .messages(chat)
      .map((message) => message.text)
      .join('\n');
    for (let n = 0; n < 25; n++) expect(shown).toContain(`Paragraph ${n}:`);
    expect(no429()).toEqual([]);
  }, 90_000);

  it('streams in a group by editing one preview, removes it, and sends the answer, with no 429', async () => {
    const inGroup = (text: string) => world.tg.sendText({ userId: OWNER_ID, chatId: group, text });
    inGroup('/session alpha');
    await world.tg.waitForMessage(group, "Switched to session 'alpha'.");
    inGroup('long please');
    await world.tg.waitForMessage(group, 'Paragraph 24', { timeoutMs: 60_000 });
    const groupCalls = world.tg.calls.filter((call) => String(call.params.chat_id) === String(group));
    expect(groupCalls.some((call) => call.method === 'editMessageText')).toBe(true);
    // The preview goes once the answer is there: what stays is the answer, whole, in two messages.
    await waitUntil(
      () => world.tg.messages(group).filter((m) => m.text.includes('streamed words')).length === 2,
      10_000,
    );
    const shown = world.tg
      .messages(group)
      .map((message) => message.text)
      .join('\n');
    for (let n = 0; n < 25; n++) expect(shown).toContain(`Paragraph ${n}:`);
    expect(no429()).toEqual([]);
  }, 90_000);

  it('/verbose shows each tool with its input and output in expandable quotes, and toggles off', async () => {
    world.say('/verbose');
    await world.tg.waitForMessage(chat, "Verbose output on for 'alpha'.");
    world.say('read notes');
    const tool = await world.tg.waitForMessage(chat, 'remember the <milk>', { timeoutMs: 30_000 });
    expect(tool.entities.map((entity) => entity.type)).toContain('expandable_blockquote');
    await world.tg.waitForMessage(chat, 'Read it.', { timeoutMs: 30_000 });
    const metadata = JSON.parse(
      readFileSync(path.join(world.dataDir, 'sessions/alpha/metadata.json'), 'utf8'),
    );
    expect(metadata.output_mode).toBe('verbose');
    world.say('/verbose');
    await world.tg.waitForMessage(chat, "Verbose output off for 'alpha'.");
  }, 60_000);

  it('/smart sends a long answer as a summary of its headings plus the whole answer as a file', async () => {
    world.say('/smart');
    await world.tg.waitForMessage(chat, "Smart output on for 'alpha'.");
    world.say('report');
    const summary = await world.tg.waitForMessage(chat, 'Disk report', { timeoutMs: 30_000 });
    expect(summary.text).toContain('sda — At 91 percent.');
    const file = await world.tg.waitForMessage(chat, (message) => message.document !== undefined, {
      timeoutMs: 10_000,
    });
    expect(file.document?.bytes.toString('utf8')).toBe(SMART_ANSWER.trim());
    world.say('/smart');
    await world.tg.waitForMessage(chat, "Smart output off for 'alpha'.");
  }, 60_000);

  it('/last sends the last answer again, in full', async () => {
    world.say('/last');
    const again = await world.tg.waitForMessage(chat, 'Disk report', { timeoutMs: 15_000 });
    expect(again.text).toContain('Details about sdb.');
  });

  it('/model switches the model Claude Code asks for, live, and /sessions shows it', async () => {
    world.say('/model');
    const current = await world.tg.waitForMessage(chat, "Model for 'alpha':");
    expect(current.replyMarkup?.inline_keyboard.flat().map((button) => button.text)).toEqual([
      'sonnet',
      'opus',
      'haiku',
    ]);
    world.say('/model claude-fake-model-7');
    await world.tg.waitForMessage(chat, "Model for 'alpha': claude-fake-model-7.");
    world.say('which model?');
    await world.tg.waitForMessage(chat, 'You said: which model?', { timeoutMs: 30_000 });
    const request = world.model.requests.findLast((r) => world.model.lastUserText(r) === 'which model?');
    expect(request?.model).toBe('claude-fake-model-7');
    const metadata = JSON.parse(
      readFileSync(path.join(world.dataDir, 'sessions/alpha/metadata.json'), 'utf8'),
    );
    expect(metadata.model_override).toBe('claude-fake-model-7');
    world.say('/sessions');
    const list = await world.tg.waitForMessage(chat, 'Sessions:');
    expect(list.text).toContain('alpha (default, active, running, claude-fake-model-7)');
  }, 60_000);

  it('/model and the modes without an active session say how to start one', async () => {
    const other = -1_000_405;
    world.tg.sendText({ userId: OWNER_ID, chatId: other, text: '/model opus' });
    await world.tg.waitForMessage(other, 'No active session. Use /new <name> to start one.');
    world.tg.sendText({ userId: OWNER_ID, chatId: other, text: '/verbose' });
    await world.tg.waitForMessage(other, 'No active session. Use /new <name> to start one.');
  });
});
