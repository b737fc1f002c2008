import type { SessionManager } from '../../sessions/manager.ts';
import { sessionOutcomeText } from '../copy/sessions.ts';
import type { Delivery } from '../delivery.ts';
import type { SessionOutput } from '../session-output.ts';

/**
 * What a closed batch of text does: it goes to the chat's active session (typing starts), or the
 * chat is told why it could not. `coalesce`: text that waits while Claude is busy joins what
 * already waits there, so it is answered as one next turn.
 */
export function textSubmitter(deps: {
  manager: SessionManager;
  output: SessionOutput;
  delivery: Delivery;
  coalesce: boolean;
}): (chatId: number, text: string) => Promise<void> {
  return async (chatId, text) => {
    const sent = await deps.manager.send(chatId, text, { coalesce: deps.coalesce });
    if (sent.ok) deps.output.queued(chatId, sent.session);
    else await deps.delivery.sendText(chatId, sessionOutcomeText(sent));
  };
}
