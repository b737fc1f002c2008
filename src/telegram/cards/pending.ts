import type { CardCancelReason } from '../copy/control.ts';
import { newCardId } from './callback-data.ts';

/**
 * Cards waiting for the owner: approvals, Claude's questions, plan approvals. Each has an unguessable
 * id (its buttons carry it), settles exactly once (a press, a typed reply, the timeout, or the turn
 * going away) and then is forgotten, so a later press is `stale`. Nothing here waits on Telegram or
 * blocks anything: `ask` returns at once with a promise of the settlement.
 */

/** Who pressed or replied. */
export interface Decider {
  id: number;
  name: string;
}

export type CardKind = 'approval' | 'question' | 'plan';

export type Settlement<D> =
  | { kind: 'decided'; decision: D; by: Decider }
  | { kind: 'timed_out'; afterMs: number }
  | { kind: 'cancelled'; why: CardCancelReason };

/** What a press does to a card of some kind. */
export type PressStep<S, D> =
  | { kind: 'decide'; decision: D }
  | { kind: 'update'; state: S }
  | { kind: 'show_full' }
  | { kind: 'ignored' };

/** How one kind of card answers presses and typed replies; `outcome` names a decision for the audit line. */
export interface CardBehaviour<S, D> {
  kind: CardKind;
  press(state: S, action: string): PressStep<S, D>;
  /** The decision a typed reply to the card makes, or undefined when replies mean nothing to it. */
  reply(state: S, text: string): D | undefined;
  outcome(decision: D): { outcome: string; detail?: Record<string, unknown> };
}

export interface AskRequest<S, D> {
  behaviour: CardBehaviour<S, D>;
  state: S;
  session: string;
  chatId: number;
  /** For the audit line: the tool and a short, safe summary of its input. */
  tool: string;
  summary: string;
  /** Aborted when Claude Code no longer needs the answer; the card then settles as `abortReason`. */
  signal?: AbortSignal;
  abortReason?: CardCancelReason;
  /** The whole text behind a trimmed card, for `Show full`. */
  fullText?: string;
  /** Called after a press changed the card's state (a multi-select toggle): re-render the card. */
  onUpdate?: (state: S) => void;
}

/** One line for the log for every card that settles. */
export interface AuditRecord {
  cardId: string;
  kind: CardKind;
  session: string;
  chatId: number;
  tool: string;
  summary: string;
  outcome: string;
  by?: Decider;
  detail?: Record<string, unknown>;
}

export type PressResult =
  | { kind: 'stale' }
  | { kind: 'forbidden' }
  | { kind: 'ignored' }
  | { kind: 'updated' }
  | { kind: 'show_full'; text: string }
  | { kind: 'settled' };

export type ReplyResult = { kind: 'not_a_card' } | { kind: 'ignored' } | { kind: 'settled' };

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PendingCardsOptions {
  timeoutMs: number;
  timers?: Timers;
  newId?: () => string;
  onAudit?: (record: AuditRecord) => void;
  /** Whether this person may decide; a press or reply from anyone else changes nothing. */
  mayDecide?: (by: Decider) => boolean;
}

interface Entry {
  id: string;
  request: AskRequest<unknown, unknown>;
  state: unknown;
  messageKey?: string;
  timer: unknown;
  stopListening?: () => void;
  finish: (settlement: Settlement<unknown>) => void;
}

const messageKey = (chatId: number, messageId: number): string => `${chatId}:${messageId}`;

export class PendingCards {
  readonly #entries = new Map<string, Entry>();
  readonly #byMessage = new Map<string, string>();
  readonly #timers: Timers;
  readonly #newId: () => string;

  constructor(private readonly options: PendingCardsOptions) {
    this.#timers = options.timers ?? systemTimers;
    this.#newId = options.newId ?? newCardId;
  }

  /** Opens a card; the promise settles once, however the card ends. */
  ask<S, D>(request: AskRequest<S, D>): { id: string; result: Promise<Settlement<D>> } {
    const id = this.#newId();
    if (this.#entries.has(id)) throw new Error('card id collision');
    let finish: (settlement: Settlement<unknown>) => void = () => {};
    const result = new Promise<Settlement<D>>((resolve) => {
      finish = resolve as (settlement: Settlement<unknown>) => void;
    });
    const timeoutMs = this.options.timeoutMs;
    const entry: Entry = {
      id,
      request: request as AskRequest<unknown, unknown>,
      state: request.state,
      timer:
        timeoutMs > 0
          ? this.#timers.set(() => this.#settle(id, { kind: 'timed_out', afterMs: timeoutMs }), timeoutMs)
          : undefined,
      finish,
    };
    this.#entries.set(id, entry);
    const { signal } = request;
    const abort = () => this.#settle(id, { kind: 'cancelled', why: request.abortReason ?? 'turn_ended' });
    if (signal?.aborted) abort();
    else if (signal) {
      signal.addEventListener('abort', abort, { once: true });
      entry.stopListening = () => signal.removeEventListener('abort', abort);
    }
    return { id, result };
  }

  /** Remembers the message that shows the card, so a reply to it reaches the card. */
  attachMessage(id: string, messageId: number): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.messageKey = messageKey(entry.request.chatId, messageId);
    this.#byMessage.set(entry.messageKey, id);
  }

  /** A button press on card `id`. */
  press(id: string, action: string, by: Decider): PressResult {
    const entry = this.#entries.get(id);
    if (!entry) return { kind: 'stale' };
    if (!this.#allowed(entry, by, 'press')) return { kind: 'forbidden' };
    const step = entry.request.behaviour.press(entry.state, action);
    switch (step.kind) {
      case 'decide':
        this.#settle(id, { kind: 'decided', decision: step.decision, by });
        return { kind: 'settled' };
      case 'update':
        entry.state = step.state;
        entry.request.onUpdate?.(step.state);
        return { kind: 'updated' };
      case 'show_full':
        return entry.request.fullText === undefined
          ? { kind: 'ignored' }
          : { kind: 'show_full', text: entry.request.fullText };
      case 'ignored':
        return { kind: 'ignored' };
    }
  }

  /** A typed reply to the message `replyToMessageId` in `chatId`. */
  reply(chatId: number, replyToMessageId: number, text: string, by: Decider): ReplyResult {
    const id = this.#byMessage.get(messageKey(chatId, replyToMessageId));
    return id === undefined ? { kind: 'not_a_card' } : this.answer(id, text, by);
  }

  /** Typed text meant for card `id` (say the one question waiting in a chat), as if it were a reply. */
  answer(id: string, text: string, by: Decider): ReplyResult {
    const entry = this.#entries.get(id);
    if (!entry) return { kind: 'not_a_card' };
    if (!this.#allowed(entry, by, 'reply')) return { kind: 'ignored' };
    const decision = entry.request.behaviour.reply(entry.state, text);
    if (decision === undefined) return { kind: 'ignored' };
    this.#settle(entry.id, { kind: 'decided', decision, by });
    return { kind: 'settled' };
  }

  /** Makes every card of a session stale (a turn that ended, `/stop`, a crash); returns how many. */
  cancelSession(session: string, why: CardCancelReason): number {
    const ids = [...this.#entries.values()]
      .filter((entry) => entry.request.session === session)
      .map((entry) => entry.id);
    for (const id of ids) this.#settle(id, { kind: 'cancelled', why });
    return ids.length;
  }

  /** Makes every card stale, e.g. when the bot shuts down. */
  cancelAll(why: CardCancelReason): number {
    const ids = [...this.#entries.keys()];
    for (const id of ids) this.#settle(id, { kind: 'cancelled', why });
    return ids.length;
  }

  /** The cards waiting in a chat, oldest first, for a plain message that may answer a question. */
  waitingIn(chatId: number): { id: string; kind: CardKind; session: string }[] {
    return [...this.#entries.values()]
      .filter((entry) => entry.request.chatId === chatId)
      .map((entry) => ({ id: entry.id, kind: entry.request.behaviour.kind, session: entry.request.session }));
  }

  /** How many cards of a session wait: while any does, the session is not idle. */
  pendingFor(session: string): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.request.session === session) count += 1;
    return count;
  }

  get size(): number {
    return this.#entries.size;
  }

  #allowed(entry: Entry, by: Decider, how: 'press' | 'reply'): boolean {
    if (this.options.mayDecide?.(by) ?? true) return true;
    this.#audit(entry, { outcome: `refused_${how}` }, by);
    return false;
  }

  #settle(id: string, settlement: Settlement<unknown>): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    if (entry.messageKey !== undefined) this.#byMessage.delete(entry.messageKey);
    if (entry.timer !== undefined) this.#timers.clear(entry.timer);
    entry.stopListening?.();
    if (settlement.kind === 'decided') {
      this.#audit(entry, entry.request.behaviour.outcome(settlement.decision), settlement.by);
    } else {
      this.#audit(entry, { outcome: settlement.kind === 'timed_out' ? 'timed_out' : settlement.why });
    }
    entry.finish(settlement);
  }

  #audit(entry: Entry, what: { outcome: string; detail?: Record<string, unknown> }, by?: Decider): void {
    const { session, chatId, tool, summary } = entry.request;
    this.options.onAudit?.({
      cardId: entry.id,
      kind: entry.request.behaviour.kind,
      session,
      chatId,
      tool,
      summary,
      outcome: what.outcome,
      ...(by ? { by } : {}),
      ...(what.detail ? { detail: what.detail } : {}),
    });
  }
}
