// A card flow's world: the real grammY bot as production builds it (allowlist included) with the
// card commands, talking to the strict fake Telegram; pending cards on a manual clock; the session's
// rules and its mode in memory. Only the flows' own dependencies are fakes.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Bot } from 'grammy';
import pino from 'pino';
import { expect, vi } from 'vitest';
import type { PermissionDecision, PermissionRequest } from '../../../src/claude/permissions.ts';
import { systemPathEnv } from '../../../src/claude/rules/index.ts';
import { createBot } from '../../../src/telegram/bot.ts';
import { permissionAsker } from '../../../src/telegram/cards/asker.ts';
import type { SessionRules } from '../../../src/telegram/cards/card-context.ts';
import { type AuditRecord, PendingCards } from '../../../src/telegram/cards/pending.ts';
import { type CardTransport, createCardTransport } from '../../../src/telegram/cards/transport.ts';
import { cardCommands } from '../../../src/telegram/commands/cards.ts';
import { type BotMessage, type FakeTelegram, startFakeTelegram } from '../../fakes/telegram/index.ts';
import { ManualClock } from '../manual-clock.ts';

export const OWNER = 4242;
export const STRANGER = 666;
export const SESSION = 'work';
export const TIMEOUT_MS = 600_000;

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** In memory, as SessionRuleBook keeps them in metadata.json. */
export class MemoryRules implements SessionRules {
  readonly bySession = new Map<string, string[]>();
  /** Set to make the next `add` fail, as a metadata.json that cannot be written does. */
  failure: Error | undefined;
  async list(session: string): Promise<string[]> {
    return [...(this.bySession.get(session) ?? [])];
  }
  async add(session: string, rule: string): Promise<void> {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    this.bySession.set(session, [...(this.bySession.get(session) ?? []), rule]);
  }
}

export interface CardWorld {
  tg: FakeTelegram;
  bot: Bot;
  cards: PendingCards;
  transport: CardTransport;
  rules: MemoryRules;
  clock: ManualClock;
  audit: AuditRecord[];
  logs: LogLine[];
  /** Modes chosen by approved plans, in order. */
  modes: Array<{ session: string; mode: string }>;
  /** The chat the session answers: cards go there. */
  chat: { id: number };
  /** The session directory (a real one: path rules resolve real paths). */
  sessionDir: string;
  /** Claude Code asks, as `canUseTool` would; `abort` is its signal going off. */
  ask(
    toolName: string,
    input: Record<string, unknown>,
    extra?: Partial<PermissionRequest>,
  ): { decision: Promise<PermissionDecision>; abort: () => void };
  /** The next message the bot sent to the owner: a card. */
  nextCard(): Promise<BotMessage>;
  /** The card's buttons as the owner sees them: text and callback data. */
  buttons(card: BotMessage): Array<{ text: string; data: string }>;
  /** The owner (or `userId`) presses the button whose text ends with `label`. */
  press(card: BotMessage, label: string, userId?: number): Promise<void>;
  /** The press reaches Telegram now and the bot when the returned function is called (a late tap). */
  pressLater(card: BotMessage, label: string, userId?: number): () => Promise<void>;
  /** The owner types `text`, as a reply to `card` when given. */
  type(text: string, card?: BotMessage): Promise<void>;
  /** The card as the owner sees it now, once the edits under way have landed. */
  now(card: BotMessage): Promise<BotMessage>;
  /** The text the last answer to a button press showed (undefined: none). */
  lastPressAnswer(): string | undefined;
  close(): Promise<void>;
}

export async function cardWorld(options: { timeoutMs?: number } = {}): Promise<CardWorld> {
  const clock = new ManualClock();
  const tg = await startFakeTelegram({ rateLimits: false, now: () => clock.now() });
  tg.sendText({ userId: OWNER, text: 'hello', firstName: 'Ann' }); // opens the private chat
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(line, _encoding, done) {
      logs.push(JSON.parse(String(line)) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const bot = createBot({ token: tg.token, apiRoot: tg.apiRoot, allowedUserIds: [OWNER], logger });
  const audit: AuditRecord[] = [];
  const cards = new PendingCards({
    timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
    timers: { set: (callback, ms) => clock.setTimeout(callback, ms), clear: (h) => clock.clearTimeout(h) },
    mayDecide: (by) => by.id === OWNER,
    onAudit: (record) => audit.push(record),
  });
  bot.use(cardCommands({ cards, sendText: (chatId, text) => bot.api.sendMessage(chatId, text) }));
  await bot.init();
  const real = createCardTransport(bot.api, logger);
  // The ids of cards the flow has heard are sent (and so attached: a reply to them reaches them).
  const sentIds = new Set<number>();
  const transport: CardTransport = {
    ...real,
    send: async (chatId, html, rows) => {
      const messageId = await real.send(chatId, html, rows);
      sentIds.add(messageId);
      return messageId;
    },
  };
  const rules = new MemoryRules();
  const modes: Array<{ session: string; mode: string }> = [];
  const chat = { id: OWNER };
  const asker = permissionAsker(
    {
      cards,
      transport,
      rules,
      logger,
      pathEnv: systemPathEnv,
      modeChosen: async (session, mode) => {
        modes.push({ session, mode });
      },
    },
    SESSION,
    () => chat.id,
  );
  const sessionDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cards-')));
  let toolUse = 0;
  const buttons = (card: BotMessage) =>
    (card.replyMarkup?.inline_keyboard.flat() ?? []).map((button) => ({
      text: String(button.text),
      data: String(button.callback_data),
    }));
  const pressLater = (card: BotMessage, label: string, userId = OWNER) => {
    const button = buttons(card).find((candidate) => candidate.text.endsWith(label));
    if (!button) throw new Error(`no button ${label} on ${JSON.stringify(buttons(card))}`);
    const update = tg.pressButton({ userId, chatId: OWNER, messageId: card.messageId, data: button.data });
    return () => bot.handleUpdate(update);
  };
  return {
    tg,
    bot,
    cards,
    transport,
    rules,
    clock,
    audit,
    logs,
    modes,
    chat,
    sessionDir,
    ask(toolName, input, extra = {}) {
      const controller = new AbortController();
      const decision = asker({
        toolName,
        input,
        toolUseId: `toolu_${++toolUse}`,
        signal: controller.signal,
        sessionDir,
        ...extra,
      });
      return { decision, abort: () => controller.abort() };
    },
    async nextCard() {
      const card = await tg.nextMessage(OWNER, { timeoutMs: 5000 });
      await vi.waitFor(() => expect(sentIds.has(card.messageId)).toBe(true), { timeout: 5000, interval: 5 });
      // The flow attaches the card a few microtasks after hearing it was sent.
      await new Promise((resolve) => setImmediate(resolve));
      return card;
    },
    buttons,
    pressLater,
    press: (card, label, userId = OWNER) => pressLater(card, label, userId)(),
    async type(text, card) {
      await bot.handleUpdate(
        tg.sendText({
          userId: OWNER,
          firstName: 'Ann',
          text,
          ...(card ? { replyToMessageId: card.messageId } : {}),
        }),
      );
    },
    async now(card) {
      await transport.drained();
      const found = tg.messages(OWNER).find((message) => message.messageId === card.messageId);
      if (!found) throw new Error(`message ${card.messageId} is gone`);
      return found;
    },
    lastPressAnswer: () => tg.callbackAnswers().at(-1)?.text,
    async close() {
      await transport.drained();
      await tg.close();
      rmSync(sessionDir, { recursive: true, force: true });
    },
  };
}
