import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../config/settings.ts';
import { createHomelab } from '../homelab/index.ts';
import type { Logger } from '../logging.ts';
import { SessionArchiver } from '../sessions/archiver.ts';
import type { ChatStore } from '../sessions/chat-store.ts';
import type { PersonaLibrary } from '../sessions/personas.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import { createTranscriber } from '../speech/transcribe.ts';
import { type Bot, installFallbacks } from '../telegram/bot.ts';
import { archiveCommands } from '../telegram/commands/archive.ts';
import { cardCommands } from '../telegram/commands/cards.ts';
import { controlCommands } from '../telegram/commands/control.ts';
import { helpCommand } from '../telegram/commands/help.ts';
import { homelabCommands } from '../telegram/commands/homelab.ts';
import { lifecycleCommands } from '../telegram/commands/lifecycle.ts';
import { modeCommand } from '../telegram/commands/mode.ts';
import { outputCommands } from '../telegram/commands/output.ts';
import { rulesCommand } from '../telegram/commands/rules.ts';
import { sessionCommands } from '../telegram/commands/sessions.ts';
import type { AnswerDelivery } from '../telegram/delivery.ts';
import type { TextBatcher } from '../telegram/inbound/batcher.ts';
import { inboundFiles } from '../telegram/inbound/composer.ts';
import { activeSessionLink } from '../telegram/inbound/session-link.ts';
import type { SessionParts } from './sessions.ts';

export interface FeaturesDeps extends SessionParts {
  settings: Settings;
  sessions: SessionStore;
  chats: ChatStore;
  personas: PersonaLibrary;
  delivery: AnswerDelivery;
  batcher: TextBatcher;
  now: () => Date;
  logger: Logger;
}

/** Every command and message handler, in the order the bot tries them. */
export function installFeatures(bot: Bot, deps: FeaturesDeps): void {
  const { settings, sessions, manager, output, delivery, batcher, turns, preferences, logger } = deps;
  const homelab = createHomelab({ settings, logger });
  // `/archive`: Claude Code keeps a session's transcript under its config directory.
  const claudeEnv = settings.passthroughEnv;
  const archiver = new SessionArchiver({
    sessions,
    chats: deps.chats,
    stopProcess: (name) => manager.stop(name),
    archiveDir: path.join(settings.dataDir, 'sessions_archive'),
    claudeConfigDir: claudeEnv.CLAUDE_CONFIG_DIR ?? path.join(claudeEnv.HOME ?? os.homedir(), '.claude'),
    now: deps.now,
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
    cardCommands({ cards: deps.cards, sendText: (chatId, text) => delivery.sendText(chatId, text) }),
    modeCommand({ modes: deps.modes, activeName: (chatId) => manager.activeName(chatId) }),
    rulesCommand({
      rules: deps.rules,
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
      keeper: deps.keeper,
      delivery,
      activeSessionOf: (chatId) => manager.activeName(chatId),
    }),
    sessionCommands({
      manager,
      personas: deps.personas,
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
}
