import type { SessionManager } from '../../sessions/manager.ts';
import { resumingText } from '../copy/lifecycle.ts';
import { sessionOutcomeText } from '../copy/sessions.ts';
import type { Delivery } from '../delivery.ts';
import type { JournalTurns } from '../journal-turns.ts';
import type { SessionOutput } from '../session-output.ts';

/**
 * What a closed batch of text does: it goes to the chat's active session (typing starts), or the
 * chat is told why it could not. `coalesce`: text that waits while Claude is busy joins what
 * already waits there, so it is answered as one next turn. The batch's updates go with it into the
 * Claude queue, so the inbound journal finishes them with its turn (`turns`), or once the chat was
 * told why it was not sent.
 */
export function textSubmitter(deps: {
  manager: SessionManager;
  output: SessionOutput;
  delivery: Delivery;
  coalesce: boolean;
  turns?: Pick<JournalTurns, 'handed' | 'notQueued'> | undefined;
}): (chatId: number, text: string, updateIds: number[]) => Promise<void> {
  return async (chatId, text, updateIds) => {
    let queued = false;
    try {
      const sent = await deps.manager.send(chatId, text, {
        coalesce: deps.coalesce,
        refs: updateIds,
        onQueued: (session) => {
          queued = true;
          deps.turns?.handed(session, chatId, updateIds);
        },
      });
      if (!sent.ok) {
        await deps.delivery.sendText(chatId, sessionOutcomeText(sent));
        return;
      }
      if (sent.resumed) await deps.delivery.sendText(chatId, resumingText(sent.session, sent.resumed.idleMs));
      deps.output.queued(chatId, sent.session);
    } finally {
      if (!queued) await deps.turns?.notQueued(updateIds);
    }
  };
}
