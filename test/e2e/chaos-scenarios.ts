/**
 * The chaos run's fault scenarios past Telegram and crashes: DATA_DIR read-only and full, a damaged
 * metadata.json and a damaged journal, and the model API overloaded (529). Each sends its own
 * messages and reports what became of them, and what the owner was told along the way.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DISK_FULL_REPLY, DISK_READ_ONLY_REPLY } from '../../src/telegram/copy/failures.ts';
import { JOURNAL_UNAVAILABLE_NOTICE } from '../../src/telegram/journal-text.ts';
import type { DataDisk } from './chaos-disk.ts';
import { botTexts, killBot, type ScenarioResult } from './chaos-tally.ts';
import { delay, OWNER_ID, type World, waitUntil } from './harness.ts';

const chat = OWNER_ID;

export interface ScenarioContext {
  world: World;
  disk: DataDisk;
  progress: (line: string) => void;
  /** Settings the bot is (re)started with. */
  botEnv: Record<string, string>;
  /** Waits until each text is answered or told why (or the time is up; the count tells). */
  awaitAnswers(
    texts: readonly string[],
    options?: { timeoutMs?: number; told?: (message: string) => number },
  ): Promise<void>;
}

/** Whether the owner saw a bot message containing `text` within `timeoutMs`. */
async function owner(world: World, text: string | RegExp, timeoutMs = 30_000): Promise<boolean> {
  return world.tg
    .waitForMessage(chat, text, { timeoutMs })
    .then(() => true)
    .catch(() => false);
}

async function expectOwnerSees(ctx: ScenarioContext, problems: string[], what: string | RegExp) {
  if (!(await owner(ctx.world, what))) problems.push(`the owner never saw ${String(what)}`);
}

/**
 * DATA_DIR read-only or full: /new and a switch are refused with a reply that names the disk, a
 * message to the live session is still answered, and once the disk is well again all works.
 */
export async function diskScenario(
  ctx: ScenarioContext,
  fault: 'read-only' | 'full',
): Promise<ScenarioResult> {
  const { world, disk } = ctx;
  const problems: string[] = [];
  const tag = fault === 'full' ? 'full' : 'readonly';
  const texts = [`${tag} 1`, `${tag} 2`, ...(fault === 'read-only' ? [`${tag} 3`] : [])];
  const reply = fault === 'full' ? DISK_FULL_REPLY : DISK_READ_ONLY_REPLY;
  const before = world.tg.messages(chat).length;
  if (fault === 'full') {
    await disk.fill();
    if (!(await disk.isFull())) problems.push('the disk did not fill up');
  } else await disk.readOnly();
  world.say(`/new ${tag}-a`);
  world.say('/session chaos');
  world.say(texts[0] as string);
  await ctx.awaitAnswers([texts[0] as string]);
  await waitUntil(() => saidSince(world, before, reply) >= 2, 10_000).catch(() => undefined);
  ctx.progress(`  the owner saw: ${JSON.stringify(textsSince(world, before))}`);
  if (saidSince(world, before, reply) !== 2)
    problems.push(`${fault}: /new and /session were not both answered with “${reply}”`);
  if (textsSince(world, before).some((text) => text.includes(`Session '${tag}-a' created.`)))
    problems.push(`/new ${tag}-a claimed success on a ${fault} disk`);
  if (fault === 'read-only') await restartReadOnly(ctx, texts[2] as string, problems);
  if (fault === 'full') await disk.unfill();
  else await disk.writable();
  world.say(`/new ${tag}-b`);
  await expectOwnerSees(ctx, problems, `Session '${tag}-b' created.`);
  world.say(texts[1] as string);
  await ctx.awaitAnswers([texts[1] as string]);
  return { scenario: `DATA_DIR ${fault}`, texts, problems };
}

/**
 * The bot started on a read-only DATA_DIR (its journal cannot be opened): the owner is told that
 * messages cannot be saved, and they are answered all the same. (A journal file opened before the
 * disk turned read-only keeps taking appends on a tmpfs, so this is where the journal meets it.)
 */
async function restartReadOnly(ctx: ScenarioContext, text: string, problems: string[]): Promise<void> {
  const { world } = ctx;
  await Promise.race([world.bot?.stop('SIGTERM'), delay(10_000)]);
  await killBot(world);
  await world.startBot(ctx.botEnv, 60_000);
  await expectOwnerSees(ctx, problems, JOURNAL_UNAVAILABLE_NOTICE);
  world.say(text);
  await ctx.awaitAnswers([text]);
}

const textsSince = (world: World, index: number) =>
  world.tg
    .messages(chat)
    .slice(index)
    .map((message) => message.text);

const saidSince = (world: World, index: number, text: string) =>
  textsSince(world, index).filter((said) => said === text).length;

/**
 * A session's metadata.json damaged: /sessions lists it as unreadable, /session says why, other
 * sessions keep working. Then the active session's own metadata.json is damaged under it.
 */
export async function damagedMetadataScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { world } = ctx;
  const problems: string[] = [];
  const texts = ['metadata 1', 'metadata 2'];
  world.say('/new dented');
  await expectOwnerSees(ctx, problems, "Session 'dented' created.");
  world.say('/new intact');
  await expectOwnerSees(ctx, problems, "Session 'intact' created.");
  await writeFile(metadataOf(world, 'dented'), '{"name": "dented", "stat');
  world.say('/sessions');
  await expectOwnerSees(ctx, problems, '⚠️ dented: unreadable (damaged metadata.json)');
  world.say('/session dented');
  await expectOwnerSees(ctx, problems, "Session 'dented' has a damaged metadata.json: not valid JSON");
  world.say(texts[0] as string);
  await ctx.awaitAnswers([texts[0] as string]);
  const before = world.tg.messages(chat).length;
  await writeFile(metadataOf(world, 'intact'), '[]');
  world.say(texts[1] as string);
  await ctx.awaitAnswers([texts[1] as string], { told: damagedNotice });
  ctx.progress(`  active session damaged, the owner saw: ${JSON.stringify(textsSince(world, before))}`);
  return { scenario: 'damaged metadata.json', texts, problems, told: damagedNotice };
}

const damagedNotice = (message: string) =>
  message.startsWith("Session 'intact' has a damaged metadata.json") ? 1 : 0;

export const metadataOf = (world: World, session: string) =>
  path.join(world.dataDir, 'sessions', session, 'metadata.json');

/**
 * The journal damaged while the bot was down, with a message of the owner's still in it: the
 * owner hears of the damage, the message is answered once all the same.
 */
export async function damagedJournalScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { world } = ctx;
  const problems: string[] = [];
  const texts = ['journal 1', 'journal 2'];
  // Away from the session whose metadata.json the scenario before damaged.
  world.say('/session chaos');
  await expectOwnerSees(ctx, problems, "Switched to session 'chaos'.");
  const before = world.tg.messages(chat).length;
  world.say(texts[0] as string);
  await waitUntil(
    () => world.model.requests.some((request) => world.model.lastUserText(request) === texts[0]),
    30_000,
  ).catch(() => problems.push('the turn of “journal 1” never reached the model'));
  await killBot(world);
  const file = path.join(world.dataDir, 'state', 'inbound-journal.jsonl');
  const lines = (await readFile(file, 'utf8')).split('\n');
  // A line in the middle torn and an unknown record appended: damage a crash alone would not leave.
  lines.splice(Math.max(0, lines.length - 3), 0, '{"k":"update","id":12');
  await writeFile(file, lines.join('\n'));
  await appendFile(file, '{"k":"nonsense"}\n');
  await world.startBot(ctx.botEnv, 60_000);
  await expectOwnerSees(ctx, problems, 'The record of received messages had');
  world.say(texts[1] as string);
  await ctx.awaitAnswers(texts);
  ctx.progress(`  the owner saw: ${JSON.stringify(textsSince(world, before))}`);
  return { scenario: 'damaged journal', texts, problems };
}

/**
 * The model API answers 529 for `outageMs`. Claude Code retries a 529 only twice, whatever
 * CLAUDE_CODE_MAX_RETRIES says, so each message sent during the outage (one every 20 s) ends with the
 * owner told the API is overloaded, after seeing the retries; one sent after the outage is answered.
 */
export async function overloadScenario(ctx: ScenarioContext, outageMs: number): Promise<ScenarioResult> {
  const { world } = ctx;
  const problems: string[] = [];
  const during = Math.max(1, Math.floor(outageMs / 20_000));
  const texts = Array.from({ length: during + 1 }, (_, i) => `overload ${i + 1}`);
  const over = Date.now() + outageMs;
  world.model.failFor(outageMs, 529);
  for (const text of texts.slice(0, during)) {
    world.say(text);
    await ctx.awaitAnswers([text], { told: overloadedNotice });
    await delay(Math.min(20_000, Math.max(0, over - Date.now())));
  }
  await delay(Math.max(0, over - Date.now()));
  world.say(texts[during] as string);
  await ctx.awaitAnswers(texts, { told: overloadedNotice });
  if (!botTexts(world).some((text) => text.includes('(overloaded)); retrying in')))
    problems.push('the owner never saw that Claude Code was retrying the overloaded API');
  ctx.progress(`  the fake answered 529 ${world.model.outageAnswers} time(s)`);
  return {
    scenario: `model API 529 for ${Math.round(outageMs / 1000)} s`,
    texts,
    told: overloadedNotice,
    problems,
  };
}

const overloadedNotice = (message: string) => (message.includes('The model API is overloaded (529)') ? 1 : 0);
