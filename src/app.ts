import os from 'node:os';
import path from 'node:path';
import { denyToolsNeedingApproval } from './claude/permissions.ts';
import { createClaudeSession } from './claude/process.ts';
import { KILL_GRACE_MS, PROCESS_MARKER_ENV } from './claude/spawn.ts';
import { type Settings, secretsOf } from './config/settings.ts';
import { createHomelab } from './homelab/index.ts';
import { createLogger } from './logging.ts';
import { SessionArchiver } from './sessions/archiver.ts';
import { ChatStore } from './sessions/chat-store.ts';
import { SessionManager } from './sessions/manager.ts';
import { PersonaLibrary, SHIPPED_PERSONAS_DIR } from './sessions/personas.ts';
import { SessionStore } from './sessions/session-store.ts';
import { ChildRegistry } from './state/children.ts';
import { createBot, installFallbacks, registerCommandMenu, startPolling } from './telegram/bot.ts';
import { archiveCommands } from './telegram/commands/archive.ts';
import { helpCommand } from './telegram/commands/help.ts';
import { homelabCommands } from './telegram/commands/homelab.ts';
import { sessionCommands } from './telegram/commands/sessions.ts';
import { createDelivery } from './telegram/delivery.ts';
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

  const bot = createBot({
    token: settings.botToken,
    apiRoot: settings.telegramApiRoot,
    allowedUserIds: settings.allowedUserIds,
    logger,
  });
  const delivery = createDelivery(bot.api, logger);
  // Asks the manager only when an event arrives, by which time `manager` below exists.
  const output = new SessionOutput({
    delivery,
    activeSessionOf: (chatId) => manager.activeName(chatId),
    isBusy: (name, chatId) => manager.isBusy(name, chatId),
    logger,
  });
  const manager = new SessionManager({
    sessions,
    chats,
    personas,
    now,
    logger,
    onEvent: (chatId, session, event) => output.handle(Number(chatId), session, event),
    startProcess: ({ session, persona, chatOf }) =>
      createClaudeSession({
        cwd: session.dir,
        resume: session.metadata.claude_session_id ?? undefined,
        personaPrompt: persona.system_prompt,
        model: session.metadata.model_override ?? persona.settings.model,
        maxTurns: persona.settings.max_turns,
        permissionMode: persona.settings.permission_mode,
        env: settings.passthroughEnv,
        claudePath: settings.claudePath,
        killGraceMs: KILL_GRACE_MS,
        onSpawned: (handle) => void children.track(handle, session.metadata.name),
        askPermission: async (request) => {
          const decision = await denyToolsNeedingApproval(request);
          output.toolRefused(
            Number(chatOf()),
            session.metadata.name,
            { name: request.toolName, input: request.input },
            persona.settings.permission_mode,
          );
          return decision;
        },
        logger: logger.child({ session: session.metadata.name }),
      }),
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
    helpCommand(),
    homelabCommands({ homelab, delivery, logger }),
    archiveCommands({
      archiver,
      isLive: (name) => manager.isLive(name),
      notify: (chatId, text) => delivery.sendText(chatId, text),
    }),
    sessionCommands({ manager, personas, output }),
  );
  installFallbacks(bot);

  // getMe first: a rejected token ends the bot here (one plain line, exit 2); an unreachable
  // Telegram is waited for, with a warning per retry.
  await connectOrExplain(bot, { logger });
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
    // Telegram will not deliver these messages again: say so before their processes go.
    for (const work of manager.unansweredWork())
      output.shuttingDown(Number(work.chatId), work.session, work.unanswered);
    // Polling stops at once when Telegram answers; an unreachable Telegram must not hold up the exit.
    const pollingStopped = runner.isRunning() ? runner.stop() : Promise.resolve();
    await Promise.allSettled([
      Promise.race([pollingStopped, delay(POLLING_STOP_MS)]),
      manager.closeAll(),
      // Answers and notices on their way out are sent, unless Telegram is too slow for the deadline.
      Promise.race([output.drained(), delay(OUTPUT_DRAIN_MS)]),
    ]);
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
