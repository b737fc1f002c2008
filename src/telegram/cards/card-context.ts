import type { Logger } from '../../logging.ts';
import type { PendingCards } from './pending.ts';
import type { CardTransport } from './transport.ts';

/** A session's "Allow for session" rules, as stored in its metadata.json. */
export interface SessionRules {
  list(session: string): Promise<string[]>;
  /** Resolves once the rule is on disk. */
  add(session: string, rule: string): Promise<void>;
}

/** What every card flow of one request needs: where the card goes and what it may change. */
export interface CardContext {
  cards: PendingCards;
  transport: CardTransport;
  rules: SessionRules;
  session: string;
  chatId: number;
  logger: Logger;
}
