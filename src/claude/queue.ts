import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { MessageOrigin } from './events.ts';

/** What the owner sent: text, or content blocks (text and images). */
export type UserContent = SDKUserMessage['message']['content'];

/** A message waiting for, or getting, its answer. */
export interface QueuedMessage {
  content: UserContent;
  origin: MessageOrigin | undefined;
  /**
   * The caller's own ids for this message (the inbound journal's update ids), opaque here: they
   * say exactly which messages are still queued, whatever order turns end or are dropped in.
   */
  refs?: readonly number[];
  /** Claude asked for a tool while answering it: part of what it asked for may be done. */
  toolsAsked?: boolean;
}

/**
 * A session's messages in order: the one Claude is answering (in flight) and those waiting
 * behind it. Claude gets one at a time, so every event of a turn belongs to the message in
 * flight, and that is how each event finds the chat it goes to.
 */
export class TurnQueue {
  private readonly waiting: QueuedMessage[] = [];
  private inFlight: QueuedMessage | undefined;

  /** Messages waiting behind the one being answered. */
  get length(): number {
    return this.waiting.length;
  }

  /** A message is being answered. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** The sender of the message being answered: the origin of the events of the current turn. */
  get turnOrigin(): MessageOrigin | undefined {
    return this.inFlight?.origin;
  }

  /** The senders of the message being answered (first) and of those waiting, in order. */
  get origins(): Array<MessageOrigin | undefined> {
    return [this.inFlight, ...this.waiting].flatMap((queued) => (queued ? [queued.origin] : []));
  }

  /** The refs of the message being answered. */
  get turnRefs(): readonly number[] {
    return this.inFlight?.refs ?? [];
  }

  /** The refs of every message being answered or waiting (held ones too). */
  get queuedRefs(): number[] {
    return [this.inFlight, ...this.waiting].flatMap((queued) => queued?.refs ?? []);
  }

  /**
   * Queues a message. With `coalesce`, text joins the last waiting text of the same origin instead,
   * so what the owner sent while Claude was busy becomes one turn (carrying both messages' refs).
   */
  add(
    content: UserContent,
    origin: MessageOrigin | undefined,
    coalesce = false,
    refs: readonly number[] = [],
  ): void {
    const last = this.waiting.at(-1);
    if (
      coalesce &&
      last &&
      last.origin === origin &&
      typeof last.content === 'string' &&
      typeof content === 'string'
    ) {
      last.content = `${last.content}\n${content}`;
      last.refs = [...(last.refs ?? []), ...refs];
      return;
    }
    this.waiting.push({ content, origin, ...(refs.length > 0 ? { refs } : {}) });
  }

  /** The next message for Claude, now in flight; none while one is in flight or none waits. */
  startNext(): QueuedMessage | undefined {
    if (this.inFlight !== undefined) return undefined;
    this.inFlight = this.waiting.shift();
    return this.inFlight;
  }

  /** Claude asked for a tool while answering the message in flight. */
  toolAsked(): void {
    if (this.inFlight) this.inFlight.toolsAsked = true;
  }

  /** The turn in flight ended with its result. */
  finishTurn(): void {
    this.inFlight = undefined;
  }

  /** The message in flight, taken out of flight unanswered (its process died). */
  takeInFlight(): QueuedMessage | undefined {
    const lost = this.inFlight;
    this.inFlight = undefined;
    return lost;
  }

  /** Puts a message back at the head: the next process answers it first. */
  putFirst(message: QueuedMessage): void {
    this.waiting.unshift(message);
  }

  /** Drops every waiting message and returns them. */
  dropWaiting(): QueuedMessage[] {
    return this.waiting.splice(0);
  }

  clear(): void {
    this.waiting.length = 0;
    this.inFlight = undefined;
  }
}
