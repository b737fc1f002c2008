import os from 'node:os';
import path from 'node:path';
import { createClaudeSession } from './claude/process.ts';
import { systemPathEnv } from './claude/rules/index.ts';
import { KILL_GRACE_MS, PROCESS_MARKER_ENV } from './claude/spawn.ts';
import { bridgeSessionOptions } from './claude/tools/bridge.ts';
import { type Settings, secretsOf } from './config/settings.ts';
import { createHomelab } from './homelab/index.ts';
import { createLogger, logProcessWarnings } from './logging.ts';
import { SessionArchiver } from './sessions/archiver.ts';
import { ChatStore } from './sessions/chat-store.ts';
import { InterruptedTurns } from './sessions/interrupted.ts';
import { SessionManager } from './sessions/manager.ts';
import { SessionModes } from './sessions/modes.ts';
import { PersonaLibrary, SHIPPED_PERSONAS_DIR } from './sessions/personas.ts';
import { SessionPreferences } from './sessions/preferences.ts';
import { SessionRuleBook } from './sessions/rule-book.ts';
import { SessionStore } from './sessions/session-store.ts';
import { createTranscriber } from './speech/transcribe.ts';
import { ChildRegistry } from './state/children.ts';
import { AnswerKeeper } from './telegram/answers.ts';
import { createBot, installFallbacks, registerCommandMenu, startPolling } from './telegram/bot.ts';
import { permissionAsker } from './telegram/cards/asker.ts';
import { staleCardsOn } from './telegram/cards/lifecycle.ts';
import { PendingCards } from './telegram/cards/pending.ts';
import { createCardTransport } from './telegram/cards/transport.ts';
import { archiveCommands } from './telegram/commands/archive.ts';
import { cardCommands } from './telegram/commands/cards.ts';
import { controlButtons, controlCommands } from './telegram/commands/control.ts';
import { helpCommand } from './telegram/commands/help.ts';
import { homelabCommands } from './telegram/commands/homelab.ts';
import { lifecycleCommands } from './telegram/commands/lifecycle.ts';
import { modeCommand } from './telegram/commands/mode.ts';
import { outputCommands } from './telegram/commands/output.ts';
import { rulesCommand } from './telegram/commands/rules.ts';
import { sessionCommands } from './telegram/commands/sessions.ts';
import { cutOffText } from './telegram/copy/lifecycle.ts';
import { systemTimers } from './telegram/delivery/timers.ts';
import { createDelivery } from './telegram/delivery.ts';
import { TextBatcher } from './telegram/inbound/batcher.ts';
import { inboundFiles } from './telegram/inbound/composer.ts';
import { activeSessionLink } from './telegram/inbound/session-link.ts';
import { textSubmitter } from './telegram/inbound/submit-text.ts';
import { openInboundJournal } from './telegram/journal-setup.ts';
import { JournalTurns } from './telegram/journal-turns.ts';
import { chatFileSender } from './telegram/outbound/send-file.ts';
import { SessionOutput } from './telegram/session-output.ts';
import { connectOrExplain } from './telegram/startup.ts';

/** How long shutdown may take before the process exits anyway (SIGTERM must end us within 5 s). */
const SHUTDOWN_DEADLINE_MS = 4_500;
const POLLING_STOP_MS = 2_000;
/** How long shutdown waits for answers and notices still on their way to Telegram. */
const OUTPUT_DRAIN_MS = 2_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The composition root: settings → store → bot → delivery → sessions → features → polling; signals. */
export async function startApp(settings: Settings): Promise<void> {
  const logger = createLogger(secretsOf(settings));
  logProcessWarnings(logger);
  const now = () => new Date();

  // No orphans: a previous instance killed with SIGKILL (or by the OOM killer) ran no shutdown code.
  // What it left is ended here, before anything is spawned; every process started from now on is
  // recorded (`onSpawned` below) for the next start to do the same.
  const children = new ChildRegistry({
    stateDir: path.join(settings.dataDir, 'state'),
    markerEnv: PROCESS_MARKER_ENV,
    logger,
  });
  await children.reapLeftovers();

  const sessions = new SessionStore({ dataDir: settings.dataDir, now, logger });
  const chats = new ChatStore({ dataDir: settings.dataDir, logger });
  const personas = new PersonaLibrary({
    shippedDir: SHIPPED_PERSONAS_DIR,
    ownerDir: path.join(settings.dataDir, 'personas'),
    logger,
  });

  // The inbound journal (issue 13): every update on disk before Telegram is told it arrived.
  const inbound = await openInboundJournal({
    dataDir: settings.dataDir,
    logger,
    now,
    tellOwner: (text) => tellOwner(text),
  });
  const bot = createBot({
    token: settings.botToken,
    apiRoot: settings.telegramApiRoot,
    allowedUserIds: settings.allowedUserIds,
    allowedChatIds: settings.allowedChatIds,
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
  const keeper = new AnswerKeeper({
    send: (chatId, text) => delivery.sendText(chatId, text),
    activeSessionOf: (chatId) => manager.activeName(chatId),
    timers: systemTimers,
    logger,
  });
  // Asks the manager only when an event arrives, by which time `manager` below exists.
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
  const cardTransport = createCardTransport(bot.api, logger);
  const rules = new SessionRuleBook(sessions);
  const modes = new SessionModes({
    sessions,
    isBusy: (name) => manager.isBusy(name),
    restart: (chatId, name) => manager.restart(chatId, name),
    // As root, Claude Code exits at once in bypass mode unless IS_SANDBOX=1 (REFERENCE.md §4).
    bypassAvailable: process.getuid?.() !== 0 || settings.passthroughEnv.IS_SANDBOX === '1',
    logger,
  });
  const askerDeps = {
    cards,
    transport: cardTransport,
    rules,
    logger,
    pathEnv: systemPathEnv,
    modeChosen: (name: string, mode: 'acceptEdits' | 'default') => modes.record(name, mode),
  };
  const manager = new SessionManager({
    sessions,
    chats,
    personas,
    now,
    logger,
    idleTimeoutMs: settings.idleTimeoutMs,
    onEvent: (chatId, session, event) => {
      staleCardsOn(cards, session, event);
      output.handle(Number(chatId), session, event);
      // After the output: a message is marked done once what its turn said has been sent.
      turns?.event(session, event);
    },
    startProcess: ({ session, persona, chatOf }) => {
      const name = session.metadata.name;
      const bridge = bridgeSessionOptions({
        sessionDir: session.dir,
        sendFile: (file) => chatFileSender(bot.api, Number(chatOf()), logger)(file),
      });
      const claude = createClaudeSession({
        cwd: session.dir,
        resume: session.metadata.claude_session_id ?? undefined,
        costBaselineUsd: session.metadata.usage?.last_total_cost_usd,
        personaPrompt: persona.system_prompt,
        model: session.metadata.model_override ?? persona.settings.model,
        maxTurns: persona.settings.max_turns,
        permissionMode: modes.startingMode(
          session.metadata.permission_mode,
          persona.settings.permission_mode,
        ),
        // Files out (issue 11): send_file delivers to the chat whose message is being answered.
        ...bridge,
        allowedTools: session.metadata.allowed_tools ?? [],
        env: settings.passthroughEnv,
        claudePath: settings.claudePath,
        killGraceMs: KILL_GRACE_MS,
        onSpawned: (handle) => void children.track(handle, name),
        askPermission: permissionAsker(askerDeps, name, () => Number(chatOf())),
        logger: logger.child({ session: name }),
      });
      modes.attach(name, claude);
      return claude;
    },
  });
  const { journal } = inbound;
  const turns =
    journal && inbound.telegram
      ? new JournalTurns({
          journal,
          deferDone: inbound.telegram.deferDone.bind(inbound.telegram),
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
  const batcher = new TextBatcher({
    windowMs: settings.batchWindowMs,
    timers: systemTimers,
    submit: textSubmitter({ manager, output, delivery, coalesce: settings.batchWindowMs > 0, turns }),
    logger,
  });
  const homelab = createHomelab({ settings, logger });
  // `/archive`: Claude Code keeps a session's transcript under its config directory.
  const claudeEnv = settings.passthroughEnv;
  const archiver = new SessionArchiver({
    sessions,
    chats,
    stopProcess: (name) => manager.stop(name),
    archiveDir: path.join(settings.dataDir, 'sessions_archive'),
    claudeConfigDir: claudeEnv.CLAUDE_CONFIG_DIR ?? path.join(claudeEnv.HOME ?? os.homedir(), '.claude'),
    now,
    logger,
  });

  // Homelab before sessions: the session commands end in a catch-all that answers every other text.
  bot.use(
    batcher.closer(),
    helpCommand(),
    homelabCommands({ homelab, delivery, logger }),
    controlCommands({ manager, output, turns }),
    lifecycleCommands({ manager }),
    archiveCommands({
      archiver,
      isLive: (name) => manager.isLive(name),
      notify: (chatId, text) => delivery.sendText(chatId, text),
    }),
    // Before the session commands: text meant for a card must not reach Claude as a message.
    cardCommands({ cards, sendText: (chatId, text) => delivery.sendText(chatId, text) }),
    modeCommand({ modes, activeName: (chatId) => manager.activeName(chatId) }),
    rulesCommand({
      rules,
      activeName: (chatId) => manager.activeName(chatId),
      restartIfIdle: async (chatId, name) => {
        if (!manager.isLive(name)) return true;
        if (manager.isBusy(name)) return false;
        await manager.restart(chatId, name);
        return true;
      },
    }),
    outputCommands({
      preferences,
      keeper,
      delivery,
      activeSessionOf: (chatId) => manager.activeName(chatId),
    }),
    sessionCommands({
      manager,
      personas,
      output,
      // Without a window every message goes at once; with one, the batch carries its updates.
      ...(settings.batchWindowMs > 0 ? { batcher } : {}),
      modelOf: (session) => preferences.modelOf(session),
      ...(turns ? { turns } : {}),
    }),
    // Files in (issue 11): photos, albums, documents and voice notes to the active session.
    inboundFiles({
      ...activeSessionLink({ manager, sessions, output }),
      apiRoot: settings.telegramApiRoot,
      token: settings.botToken,
      maxDownloadBytes: settings.maxDownloadBytes,
      ...(settings.transcribe ? { transcribe: createTranscriber({ settings: settings.transcribe }) } : {}),
      turns,
      logger,
    }),
  );
  installFallbacks(bot);

  // getMe first: a rejected token ends the bot here (one plain line, exit 2); an unreachable
  // Telegram is waited for, with a warning per retry.
  await connectOrExplain(bot, { logger });
  // Before polling: the statuses are right, and the cut-off turns are told before new answers.
  await manager.afterRestart();
  const interrupted = new InterruptedTurns({ dataDir: settings.dataDir, logger });
  for (const turn of await interrupted.take())
    void delivery.sendText(Number(turn.chatId), cutOffText(turn.session, turn.unanswered));

  for (const notice of inbound.startNotices) tellOwner(notice);
  // What the journal held unfinished is handled (in order per chat) before any new update.
  await inbound.telegram?.replay(bot);

  const runner = startPolling(bot, logger);
  logger.info({ apiRoot: settings.telegramApiRoot, dataDir: settings.dataDir }, 'bot started');
  registerCommandMenu(bot).catch((error: unknown) =>
    logger.warn({ err: error }, 'could not register the command menu'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // Text still in a batch window goes to its session, so it is counted below, never lost unsaid.
    await Promise.race([batcher.closeAll(), delay(500)]);
    keeper.close();
    // Telegram will not deliver these messages again: say so before their processes go. The ones
    // the journal holds stay unfinished in it, and the next start takes them up (journal-turns.ts);
    // the others are recorded, and told again after the restart in case this notice cannot go now.
    const cutOff = manager.unansweredWork();
    const notJournaled: typeof cutOff = [];
    for (const work of cutOff) {
      const chatId = Number(work.chatId);
      const journaled = (turns?.unfinished(work.session, chatId) ?? 0) >= work.unanswered;
      output.shuttingDown(chatId, work.session, work.unanswered, journaled);
      if (!journaled) notJournaled.push(work);
    }
    const recorded = interrupted
      .record(notJournaled)
      .catch((error: unknown) => logger.error({ err: error }, 'could not record the cut-off turns'));
    // Their cards show they are no longer pending; Claude is told no.
    cards.cancelAll('restarted');
    // Polling stops at once when Telegram answers; an unreachable Telegram must not hold up the exit.
    const pollingStopped = runner.isRunning() ? runner.stop() : Promise.resolve();
    await Promise.allSettled([
      Promise.race([pollingStopped, delay(POLLING_STOP_MS)]),
      manager.closeAll(),
      // Answers and notices on their way out are sent, unless Telegram is too slow for the deadline.
      Promise.race([output.drained(), delay(OUTPUT_DRAIN_MS)]),
      recorded,
      Promise.race([cardTransport.drained(), delay(OUTPUT_DRAIN_MS)]),
    ]);
    // Marks of answers already sent must reach the disk, or the next start would answer them again.
    await Promise.race([journal?.close(), delay(OUTPUT_DRAIN_MS)]);
    logger.info('stopped');
    process.exit(0);
  };
  // SIGHUP: the terminal the bot was started from closed. Its default would end the bot on the
  // spot, leaving the Claude Code processes (in their own process groups) and their tools behind.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void shutdown(signal));
  // A safety net: one missed catch somewhere must not end the bot and orphan every session.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
}
