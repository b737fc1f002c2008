import type { ClaudeEvent } from '../../src/claude/events.ts';
import type { ChatId } from '../../src/sessions/chat-store.ts';
import type { LiveProcess } from '../../src/sessions/live-processes.ts';

/** Records what it is sent; a test answers with `emit`. Every message sent waits until `answered`. */
export class RecordingProcess implements LiveProcess {
  readonly sent: string[] = [];
  readonly waiting: ChatId[] = [];
  closed = false;
  /** Set by a test: the conversation could not be resumed and messages wait for startFresh. */
  held = false;
  readonly pid = undefined;
  private readonly listeners = new Set<(event: ClaudeEvent, origin: ChatId | undefined) => void>();
  constructor(readonly session: string) {}
  get queueLength() {
    return Math.max(0, this.waiting.length - 1);
  }
  get origins() {
    return this.waiting;
  }
  get state() {
    if (this.closed) return 'closed';
    if (this.held) return 'held';
    return this.waiting.length > 0 ? 'busy' : 'idle';
  }
  send(text: string, origin: ChatId) {
    this.sent.push(text);
    this.waiting.push(origin);
  }
  on(listener: (event: ClaudeEvent, origin: ChatId | undefined) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** An event of the turn being answered, or of no message when nothing is. */
  emit(event: ClaudeEvent) {
    const origin = this.waiting[0];
    if (event.type === 'completed') this.waiting.shift();
    for (const listener of this.listeners) listener(event, origin);
  }
  startFresh() {
    if (!this.held) return false;
    this.held = false;
    return true;
  }
  async close() {
    this.closed = true;
  }
  /** Drops what waits behind the message being answered; `interrupted` when one was. */
  async stop() {
    const dropped = this.waiting.splice(1).length;
    return { interrupted: this.waiting.length > 0, dropped };
  }
  async sendNext(text: string, origin: ChatId) {
    this.sent.push(text);
    this.waiting.splice(1, 0, origin);
  }
  dropHeld() {
    return undefined;
  }
  /** What `supportedCommands` answers. */
  commands: Array<{ name: string; description: string; builtin: boolean; aliases: string[] }> = [];
  async supportedCommands() {
    return this.commands;
  }
}
