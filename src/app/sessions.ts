import { systemPathEnv } from '../claude/rules/index.ts';
import type { Settings } from '../config/settings.ts';
import type { Logger } from '../logging.ts';
import type { ChatStore } from '../sessions/chat-store.ts';
import { SessionManager } from '../sessions/manager.ts';
import { SessionModes } from '../sessions/modes.ts';
import type { PersonaLibrary } from '../sessions/personas.ts';
import { SessionPreferences } from '../sessions/preferences.ts';
import { SessionRuleBook } from '../sessions/rule-book.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import type { ChildRegistry } from '../state/children.ts';
import type { UndeliveredFile } from '../state/undelivered.ts';
import { AnswerKeeper } from '../telegram/answers.ts';
import type { Bot } from '../telegram/bot.ts';
import { staleCardsOn } from '../telegram/cards/lifecycle.ts';
import { PendingCards } from '../telegram/cards/pending.ts';
import { type CardTransport, createCardTransport } from '../telegram/cards/transport.ts';
import { controlButtons } from '../telegram/commands/control.ts';
import { systemTimers } from '../telegram/delivery/timers.ts';
import type { AnswerDelivery } from '../telegram/delivery.ts';
import { sendFinalAnswer } from '../telegram/final-answer.ts';
import type { OpenedInboundJournal } from '../telegram/journal-setup.ts';
import { JournalTurns } from '../telegram/journal-turns.ts';
import { SessionOutput } from '../telegram/session-output.ts';
import { claudeProcessStarter } from './claude-process.ts';

export interface SessionsDeps {
  settings: Settings;
  sessions: SessionStore;
  chats: ChatStore;
  personas: PersonaLibrary;
  children: ChildRegistry;
  inbound: OpenedInboundJournal;
  /** Where what Telegram did not take is saved for the next start. */
  undelivered: UndeliveredFile;
  api: Bot['api'];
  delivery: AnswerDelivery;
  now: () => Date;
  logger: Logger;
}

/** The session manager and what its events reach: the chat output, cards, modes, the journal. */
export interface SessionParts {
  manager: SessionManager;
  output: SessionOutput;
  keeper: AnswerKeeper;
  cards: PendingCards;
  cardTransport: CardTransport;
  rules: SessionRuleBook;
  modes: SessionModes;
  preferences: SessionPreferences;
  /** Undefined when the inbound journal could not be opened. */
  turns: JournalTurns | undefined;
}

/**
 * Builds the session manager with everything that reacts to a session's events. They refer to
 * one another (the output asks the manager which session is active; the manager's events go to
 * the output), so each asks the others only when called, by which time all of them exist.
 */
export function buildSessions(deps: SessionsDeps): SessionParts {
  const { settings, sessions, delivery, logger } = deps;
  const keeper = new AnswerKeeper({
    send: (chatId, text) => delivery.sendText(chatId, text),
    sendAnswer: (chatId, kept, label) =>
      sendFinalAnswer(delivery, chatId, kept.answer, { mode: kept.mode, label }),
    activeSessionOf: (chatId) => manager.activeName(chatId),
    store: deps.undelivered,
    timers: systemTimers,
    logger,
  });
  const output = new SessionOutput({
    delivery,
    activeSessionOf: (chatId) => manager.activeName(chatId),
    isBusy: (name, chatId) => manager.isBusy(name, chatId),
    controlButtons,
    outputModeOf: (name) => preferences.outputModeOf(name),
    keeper,
    logger,
  });
  // Approval, question and plan cards: waiting on one blocks nothing else.
  const cards = new PendingCards({
    timeoutMs: settings.permissionTimeoutMs,
    mayDecide: (by) => settings.allowedUserIds.includes(by.id),
    onAudit: (record) => logger.info({ audit: 'card', ...record }, 'card decision'),
  });
  const cardTransport = createCardTransport(deps.api, logger);
  const rules = new SessionRuleBook(sessions);
  const modes: SessionModes = new SessionModes({
    sessions,
    isBusy: (name) => manager.isBusy(name),
    restart: (chatId, name) => manager.restart(chatId, name),
    // As root, Claude Code exits at once in bypass mode unless IS_SANDBOX=1 (REFERENCE.md §4).
    bypassAvailable: process.getuid?.() !== 0 || settings.passthroughEnv.IS_SANDBOX === '1',
    logger,
  });
  const manager: SessionManager = new SessionManager({
    sessions,
    chats: deps.chats,
    personas: deps.personas,
    now: deps.now,
    logger,
    idleTimeoutMs: settings.idleTimeoutMs,
    onEvent: (chatId, session, event) => {
      staleCardsOn(cards, session, event);
      output.handle(Number(chatId), session, event);
      // After the output: a message is marked done once what its turn said has been sent.
      turns?.event(session, event);
    },
    startProcess: claudeProcessStarter({
      settings,
      api: deps.api,
      modes,
      children: deps.children,
      asker: {
        cards,
        transport: cardTransport,
        rules,
        logger,
        pathEnv: systemPathEnv,
        modeChosen: (name, mode) => modes.record(name, mode),
      },
      logger,
    }),
  });
  const { journal, telegram } = deps.inbound;
  const turns =
    journal && telegram
      ? new JournalTurns({
          journal,
          deferDone: telegram.deferDone.bind(telegram),
          queuedRefs: (session) => manager.running(session)?.refs ?? { turn: [], queued: [] },
          afterOutput: (session, task) => output.afterOutput(session, task),
          logger,
        })
      : undefined;
  const preferences = new SessionPreferences({
    sessions,
    activeName: (chatId) => manager.activeName(chatId),
    running: (name) => manager.running(name),
    reportedModel: (name) => manager.reportedModel(name),
    logger,
  });
  return { manager, output, keeper, cards, cardTransport, rules, modes, preferences, turns };
}
