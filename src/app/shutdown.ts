import type { Logger } from '../logging.ts';
import type { InterruptedTurns } from '../sessions/interrupted.ts';
import type { InboundJournal } from '../state/journal.ts';
import type { startPolling } from '../telegram/bot.ts';
import type { TextBatcher } from '../telegram/inbound/batcher.ts';
import type { SessionParts } from './sessions.ts';

/** How long shutdown may take before the process exits anyway (SIGTERM must end us within 5 s). */
const SHUTDOWN_DEADLINE_MS = 4_500;
const POLLING_STOP_MS = 2_000;
/** How long shutdown waits for answers and notices still on their way to Telegram. */
const OUTPUT_DRAIN_MS = 2_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface ShutdownDeps
  extends Pick<SessionParts, 'manager' | 'output' | 'keeper' | 'cards' | 'cardTransport' | 'turns'> {
  batcher: TextBatcher;
  interrupted: InterruptedTurns;
  polling: ReturnType<typeof startPolling>;
  journal: InboundJournal | undefined;
  logger: Logger;
}

/**
 * On SIGINT, SIGTERM or SIGHUP: the owner is told which messages are cut off, the processes end,
 * what is on its way to Telegram goes, and the bot exits within the deadline whatever hangs.
 */
export function shutDownOnSignals(deps: ShutdownDeps): void {
  const { manager, output, turns, interrupted, cards, polling, logger } = deps;
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
    await Promise.race([deps.batcher.closeAll(), delay(500)]);
    deps.keeper.close();
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
    const pollingStopped = polling.isRunning() ? polling.stop() : Promise.resolve();
    await Promise.allSettled([
      Promise.race([pollingStopped, delay(POLLING_STOP_MS)]),
      manager.closeAll(),
      // Answers and notices on their way out are sent, unless Telegram is too slow for the deadline.
      Promise.race([output.drained(), delay(OUTPUT_DRAIN_MS)]),
      // A late answer on its way is sent (and struck from undelivered.json), or stays there.
      Promise.race([deps.keeper.drained(), delay(OUTPUT_DRAIN_MS)]),
      recorded,
      Promise.race([deps.cardTransport.drained(), delay(OUTPUT_DRAIN_MS)]),
    ]);
    // Marks of answers already sent must reach the disk, or the next start would answer them again;
    // what Telegram did not take must too, or the next start could not send it.
    await Promise.race([
      Promise.allSettled([deps.journal?.close(), deps.keeper.saved()]),
      delay(OUTPUT_DRAIN_MS),
    ]);
    logger.info('stopped');
    process.exit(0);
  };
  // SIGHUP: the terminal the bot was started from closed. Its default would end the bot on the
  // spot, leaving the Claude Code processes (in their own process groups) and their tools behind.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void shutdown(signal));
}
