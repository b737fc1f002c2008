import path from 'node:path';
import { installFeatures } from './app/features.ts';
import { buildSessions } from './app/sessions.ts';
import { shutDownOnSignals } from './app/shutdown.ts';
import { PROCESS_MARKER_ENV } from './claude/spawn.ts';
import { type Settings, secretsOf } from './config/settings.ts';
import { createLogger, logProcessWarnings } from './logging.ts';
import { ChatStore } from './sessions/chat-store.ts';
import { InterruptedTurns } from './sessions/interrupted.ts';
import { PersonaLibrary, SHIPPED_PERSONAS_DIR } from './sessions/personas.ts';
import { SessionStore } from './sessions/session-store.ts';
import { ChildRegistry } from './state/children.ts';
import { UndeliveredFile } from './state/undelivered.ts';
import { createBot, registerCommandMenu, startPolling } from './telegram/bot.ts';
import { cutOffText } from './telegram/copy/lifecycle.ts';
import { systemTimers } from './telegram/delivery/timers.ts';
import { createDelivery } from './telegram/delivery.ts';
import { TextBatcher } from './telegram/inbound/batcher.ts';
import { textSubmitter } from './telegram/inbound/submit-text.ts';
import { openInboundJournal } from './telegram/journal-setup.ts';
import { connectOrExplain } from './telegram/startup.ts';

/**
 * The composition root: settings → stores → bot → delivery → sessions → features → polling;
 * signals. The builders in `src/app/` each wire one part, from what they are given.
 */
export async function startApp(settings: Settings): Promise<void> {
  const logger = createLogger(secretsOf(settings));
  logProcessWarnings(logger);
  const now = () => new Date();
  const { dataDir } = settings;

  // No orphans: a previous instance killed with SIGKILL (or by the OOM killer) ran no shutdown code.
  // What it left is ended here, before anything is spawned; every process started from now on is
  // recorded (`onSpawned` in app/claude-process.ts) for the next start to do the same.
  const children = new ChildRegistry({
    stateDir: path.join(dataDir, 'state'),
    markerEnv: PROCESS_MARKER_ENV,
    logger,
  });
  await children.reapLeftovers();

  const sessions = new SessionStore({ dataDir, now, logger });
  const chats = new ChatStore({ dataDir, logger });
  const personas = new PersonaLibrary({
    shippedDir: SHIPPED_PERSONAS_DIR,
    ownerDir: path.join(dataDir, 'personas'),
    logger,
  });

  // The inbound journal (issue 13): every update on disk before Telegram is told it arrived.
  const inbound = await openInboundJournal({ dataDir, logger, now, tellOwner: (text) => tellOwner(text) });
  const bot = createBot({
    token: settings.botToken,
    apiRoot: settings.telegramApiRoot,
    allowedUserIds: settings.allowedUserIds,
    allowedChatIds: settings.allowedChatIds,
    ...(settings.floodPacing ? {} : { floodLimits: false as const }),
    ...(inbound.telegram ? { journal: inbound.telegram } : {}),
    logger,
  });
  const delivery = createDelivery(bot.api, logger);
  // Each allowed user's private chat (its id is the user's id).
  const tellOwner = (text: string) => {
    for (const userId of settings.allowedUserIds)
      void delivery
        .sendText(userId, text)
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not tell the owner about the inbound journal'),
        );
  };

  const undelivered = new UndeliveredFile({ dataDir, logger });
  // Read before anything could save over it.
  const owedFromBefore = await undelivered.read();
  const parts = buildSessions({
    settings,
    sessions,
    chats,
    personas,
    children,
    inbound,
    undelivered,
    api: bot.api,
    delivery,
    now,
    logger,
  });
  const { manager, output, turns } = parts;
  const batcher = new TextBatcher({
    windowMs: settings.batchWindowMs,
    timers: systemTimers,
    submit: textSubmitter({ manager, output, delivery, coalesce: settings.batchWindowMs > 0, turns }),
    logger,
  });
  installFeatures(bot, { ...parts, settings, sessions, chats, personas, delivery, batcher, now, logger });

  // getMe first: a rejected token ends the bot here (one plain line, exit 2); an unreachable
  // Telegram is waited for, with a warning per retry.
  await connectOrExplain(bot, { logger });
  // Before polling: the statuses are right, and the cut-off turns are told before new answers.
  await manager.afterRestart();
  const interrupted = new InterruptedTurns({ dataDir, logger });
  for (const turn of await interrupted.take())
    void delivery.sendText(Number(turn.chatId), cutOffText(turn.session, turn.unanswered));

  // Answers and notices Telegram did not take before the last run ended go out late, as if it had not.
  parts.keeper.restore(owedFromBefore);
  for (const notice of inbound.startNotices) tellOwner(notice);
  // What the journal held unfinished is handled (in order per chat) before any new update.
  await inbound.telegram?.replay(bot);

  const polling = startPolling(bot, logger);
  logger.info({ apiRoot: settings.telegramApiRoot, dataDir }, 'bot started');
  registerCommandMenu(bot).catch((error: unknown) =>
    logger.warn({ err: error }, 'could not register the command menu'),
  );

  shutDownOnSignals({ ...parts, batcher, interrupted, polling, journal: inbound.journal, logger });
  // A safety net: one missed catch somewhere must not end the bot and orphan every session.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
}
