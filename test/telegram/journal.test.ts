import { autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run, sequentialize } from '@grammyjs/runner';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundJournal } from '../../src/state/journal.ts';
import { chatOfUpdate, TelegramJournal } from '../../src/telegram/journal.ts';
import { monotonicMs } from '../fakes/monotonic.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { makeTempDir } from '../sessions/helpers.ts';
import { closeJournals, openJournal, silent } from '../state/helpers.ts';

let dataDir: string;
let cleanup: () => Promise<void>;
let tg: FakeTelegram;
let runner: RunnerHandle | undefined;
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
  tg = await startFakeTelegram({ rateLimits: false });
});
afterEach(async () => {
  if (runner?.isRunning()) await runner.stop();
  runner = undefined;
  vi.restoreAllMocks();
  await tg.close();
  await closeJournals();
  await cleanup();
});

const ANN = 1001;
const BOB = 1002;
const CAT = 1003;
const DAN = 1004;

interface TestBot {
  bot: Bot;
  glue: TelegramJournal;
  /** Update ids in the order the echo handler saw them. */
  handled: number[];
  unjournaled: number[];
}

/** A bot wired as the app wires it: auto-retry, the journal transformer last, its middleware first. */
function journaledBot(
  journal: InboundJournal,
  configure: (bot: Bot, glue: TelegramJournal) => void = () => undefined,
): TestBot {
  const handled: number[] = [];
  const unjournaled: number[] = [];
  const glue = new TelegramJournal({
    journal,
    logger: silent,
    onUnjournaled: (ids) => unjournaled.push(...ids),
  });
  const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 }));
  bot.api.config.use(glue.transformer);
  bot.use(glue.middleware);
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  configure(bot, glue);
  bot.on('message:text', async (ctx) => {
    handled.push(ctx.update.update_id);
    await ctx.reply(`echo ${ctx.message.text}`);
  });
  return { bot, glue, handled, unjournaled };
}

const texts = (chatId: number) => tg.messages(chatId).map((message) => message.text);
const offsetOf = (call: { params: Record<string, unknown> }) => Number(call.params.offset ?? 0);

/** Every update Telegram had has been confirmed and the bot is back in its long poll. */
async function settled(): Promise<void> {
  await vi.waitFor(() => {
    expect(tg.pendingUpdates()).toBe(0);
    expect(tg.isPolling()).toBe(true);
  });
}

describe('the journal transformer with the real grammY runner', () => {
  it('has every update on disk before the getUpdates whose offset confirms it leaves the bot', async () => {
    const { journal } = await openJournal(dataDir);
    const onDiskAt = new Map<number, number>();
    const record = journal.record.bind(journal);
    vi.spyOn(journal, 'record').mockImplementation(async (updates) => {
      const outcome = await record(updates);
      for (const id of outcome.fresh) onDiskAt.set(id, monotonicMs());
      return outcome;
    });
    const { bot } = journaledBot(journal);
    runner = run(bot);

    const sent = [
      tg.sendText({ userId: ANN, text: 'a1' }),
      tg.sendText({ userId: ANN, text: 'a2' }),
      tg.sendText({ userId: BOB, text: 'b1' }),
    ];
    await tg.waitForMessage(BOB, 'echo b1');
    sent.push(tg.sendText({ userId: ANN, text: 'a3' }));
    await tg.waitForMessage(ANN, 'echo a3');
    await settled();
    // The poll held open now carries the last offset; the fake records a call once it has ended.
    await runner.stop();
    await vi.waitFor(() => expect(tg.isPolling()).toBe(false));

    const confirming = tg.callsTo('getUpdates').filter((call) => offsetOf(call) > 0);
    expect(confirming.length).toBeGreaterThan(0);
    for (const call of confirming)
      for (const { update_id: id } of sent.filter((update) => update.update_id < offsetOf(call))) {
        expect(onDiskAt.get(id), `update ${id} before offset ${offsetOf(call)}`).toBeLessThan(
          call.monotonicAt,
        );
      }
    expect(Math.max(...confirming.map(offsetOf))).toBe(Math.max(...sent.map((u) => u.update_id)) + 1);
    await vi.waitFor(() => expect(journal.unfinished()).toEqual([]));
  });

  it('after a restart, handles each unfinished update exactly once and drops what Telegram sends again', async () => {
    // The previous bot recorded these, then died before Telegram heard the offset confirming them.
    const a1 = tg.sendText({ userId: ANN, text: 'a1' });
    const a2 = tg.sendText({ userId: ANN, text: 'a2' });
    const answered = tg.sendText({ userId: BOB, text: 'answered before the crash' });
    const cut = tg.sendText({ userId: CAT, text: 'deploy the new version' });
    const before = await openJournal(dataDir);
    const inbound = (update: Update) => ({
      updateId: update.update_id,
      chatId: chatOfUpdate(update),
      update: update as never,
    });
    await before.journal.record([a1, a2, answered, cut].map((u) => inbound(u as Update)));
    await before.journal.markDone(answered.update_id);
    await before.journal.markTurnStarted(cut.update_id, 'deploy');
    await before.journal.markToolsUsed(cut.update_id);
    await before.journal.close();
    // And this one came after the restart.
    const a3 = tg.sendText({ userId: ANN, text: 'a3' });
    const d1 = tg.sendText({ userId: DAN, text: 'd1' });

    const { journal } = await openJournal(dataDir);
    const { bot, glue, handled } = journaledBot(journal);
    const outcome = await glue.replay(bot);
    expect(outcome.replayed).toEqual([a1.update_id, a2.update_id]);
    expect(outcome.interrupted).toEqual([cut.update_id]);
    runner = run(bot);
    await outcome.handled;
    await tg.waitForMessage(ANN, 'echo a3');
    await tg.waitForMessage(DAN, 'echo d1');
    await settled();

    expect(texts(ANN)).toEqual(['echo a1', 'echo a2', 'echo a3']);
    expect(texts(BOB)).toEqual([]);
    expect(texts(CAT)).toEqual([
      "The bot restarted while Claude was using tools for your message “deploy the new version” in session 'deploy'. It is not sent again, as part of it may be done already: check, then send what is left.",
    ]);
    // Each exactly once; the order across chats is free, within a chat the replies above show it.
    expect([...handled].sort()).toEqual([a1.update_id, a2.update_id, a3.update_id, d1.update_id]);
    // Telegram did send the old ones again: the first poll after the restart starts at offset 0.
    expect(offsetOf(tg.callsTo('getUpdates')[0] ?? { params: {} })).toBe(0);
    await vi.waitFor(() => expect(journal.unfinished()).toEqual([]));
  });

  it('still answers when the journal cannot write, and says which updates went unrecorded', async () => {
    const { journal } = await openJournal(dataDir);
    vi.spyOn(journal, 'record').mockImplementation(async (updates) => ({
      ok: false,
      fresh: updates.map((update) => update.updateId),
      duplicates: [],
      detail: 'ENOSPC: no space left on device, write',
    }));
    const { bot, unjournaled } = journaledBot(journal);
    runner = run(bot);
    const update = tg.sendText({ userId: ANN, text: 'disk is full' });
    await tg.waitForMessage(ANN, 'echo disk is full');
    expect(unjournaled).toEqual([update.update_id]);
  });
});

describe('the journal middleware', () => {
  it('marks an update done when its handlers return or throw, and leaves a deferred one to its owner', async () => {
    const { journal } = await openJournal(dataDir);
    let deferredId: number | undefined;
    const { bot } = journaledBot(journal, (bot, glue) => {
      bot.command('turn', (ctx) => {
        deferredId = glue.deferDone(ctx);
      });
      bot.command('fail', () => {
        throw new Error('handler failed');
      });
    });
    bot.catch(() => undefined);
    runner = run(bot);
    const turn = tg.sendText({ userId: ANN, text: '/turn' });
    tg.sendText({ userId: ANN, text: '/fail' });
    tg.sendText({ userId: ANN, text: 'plain' });
    await tg.waitForMessage(ANN, 'echo plain');
    await settled();

    await vi.waitFor(() =>
      expect(journal.unfinished().map((entry) => entry.updateId)).toEqual([turn.update_id]),
    );
    expect(deferredId).toBe(turn.update_id);
    await journal.markDone(turn.update_id);
    expect(journal.unfinished()).toEqual([]);
  });
});

describe('chatOfUpdate', () => {
  it('finds the chat of a message and of a button press, and none for an inline query', () => {
    const message = tg.sendText({ userId: ANN, text: 'hi' }) as Update;
    expect(chatOfUpdate(message)).toBe(ANN);
    const press = {
      update_id: 8,
      callback_query: { id: '1', from: {}, chat_instance: '1', data: 'x', message: { chat: { id: BOB } } },
    } as never;
    expect(chatOfUpdate(press)).toBe(BOB);
    const inline = { update_id: 9, inline_query: { id: '1', from: {}, query: 'q', offset: '' } } as never;
    expect(chatOfUpdate(inline)).toBeUndefined();
  });
});
