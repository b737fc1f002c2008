import type { ClaudeEvent } from '../../claude/events.ts';
import type { PendingCards } from './pending.ts';

const DEATHS: ReadonlySet<string> = new Set([
  'process_restarting',
  'process_restarting_after_tools',
  'process_gave_up',
]);

/**
 * Cards belong to the turn that asked: when it ends, or its process dies, they go stale. (An
 * interrupted turn's cards settle through Claude Code's abort signal already.)
 */
export function staleCardsOn(cards: PendingCards, session: string, event: ClaudeEvent): void {
  if (event.type === 'completed') cards.cancelSession(session, 'turn_ended');
  else if (event.type === 'error' && DEATHS.has(event.kind)) cards.cancelSession(session, 'crashed');
}
