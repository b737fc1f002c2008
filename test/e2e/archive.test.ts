/**
 * `/archive` end to end (issue 12, deliverable 7): a session used with the real Claude Code CLI is
 * archived after its confirmation button; the archive holds its folder and Claude's transcript.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BotMessage } from '../fakes/telegram/index.ts';
import { claudeProcesses, OWNER_ID, type World, waitUntil, withRunningBot } from './harness.ts';

const chat = OWNER_ID;

/** The callback data of the card's button whose text contains `label`. */
function buttonData(card: BotMessage, label: string): string {
  const button = card.replyMarkup?.inline_keyboard.flat().find((b) => String(b.text).includes(label));
  if (typeof button?.callback_data !== 'string') throw new Error(`no '${label}' button on the card`);
  return button.callback_data;
}

describe('/archive, end to end', () => {
  let world: World;

  withRunningBot((started) => {
    world = started;
  });

  it('archives a used session after the confirmation button: the archive holds its files and transcript', async () => {
    world.say('/new alpha');
    await world.tg.waitForMessage(chat, "Session 'alpha' created.");
    world.say('remember the word heron');
    await world.tg.waitForMessage(chat, 'You said: remember the word heron', { timeoutMs: 45_000 });
    const sessionDir = path.join(world.dataDir, 'sessions', 'alpha');
    const metadataFile = path.join(sessionDir, 'metadata.json');
    await waitUntil(() => JSON.parse(readFileSync(metadataFile, 'utf8')).claude_session_id !== null, 10_000);
    const claudeId: string = JSON.parse(readFileSync(metadataFile, 'utf8')).claude_session_id;

    world.say('/archive alpha');
    const card = await world.tg.waitForMessage(chat, "Archive session 'alpha'?");
    expect(existsSync(sessionDir)).toBe(true);
    world.tg.pressButton({ userId: OWNER_ID, messageId: card.messageId, data: buttonData(card, 'Archive') });
    const done = await world.tg.waitForMessage(chat, "Session 'alpha' archived.", { timeoutMs: 30_000 });
    expect(done.text).toContain('This chat has no active session now.');
    const answered = world.tg.messages(chat).find((message) => message.messageId === card.messageId);
    expect(answered).toMatchObject({ text: "Archiving session 'alpha'…" });
    expect(answered?.replyMarkup).toBeUndefined();

    const archiveDir = path.join(world.dataDir, 'sessions_archive');
    const [file, ...others] = readdirSync(archiveDir);
    expect(others).toEqual([]);
    expect(file).toMatch(/^alpha-\d{8}T\d{6}Z\.tar\.gz$/);
    const entries = execFileSync('tar', ['-tzf', path.join(archiveDir, file ?? '')], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(entries).toEqual(expect.arrayContaining(['alpha/metadata.json', 'alpha/persona.json']));
    const transcript = entries.find((entry) => entry.endsWith(`/${claudeId}.jsonl`));
    expect(transcript).toBeDefined();
    const history = execFileSync('tar', ['-xzOf', path.join(archiveDir, file ?? ''), transcript ?? ''], {
      encoding: 'utf8',
    });
    expect(history).toContain('remember the word heron');

    expect(existsSync(sessionDir)).toBe(false);
    expect(await claudeProcesses(world.home)).toEqual([]);
  }, 120_000);

  it('the chat has no active session afterwards, and /archive lists the archive', async () => {
    world.say('still there?');
    await world.tg.waitForMessage(chat, 'No active session. Use /new <name> to start one.');
    world.say('/archive');
    const list = await world.tg.waitForMessage(chat, 'Archives in DATA_DIR/sessions_archive/:');
    expect(list.text).toMatch(/• alpha: .* \(alpha-\d{8}T\d{6}Z\.tar\.gz\)/);
  });

  it('an unknown session changes nothing', async () => {
    world.say('/archive ghost');
    await world.tg.waitForMessage(chat, "Session 'ghost' doesn't exist: nothing archived.");
    expect(readdirSync(path.join(world.dataDir, 'sessions_archive'))).toHaveLength(1);
  });
});
