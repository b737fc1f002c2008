import type { Logger } from '../logging.ts';
import type { ChatId, ChatStore } from './chat-store.ts';
import { KeyedSerializer } from './serial.ts';
import type { LoadResult, Session, SessionStore } from './session-store.ts';

export type SwitchResult =
  | { ok: true; session: Session; previous: string | undefined }
  | Exclude<LoadResult, { ok: true }>;

/**
 * Moves a chat to another session: the session becomes `active` (activity now), the chat
 * remembers it, and the session left behind becomes `suspended` unless another chat still has it.
 * Switches run one at a time, so a session one chat moves to is never suspended by another chat
 * moving away from it.
 */
export class SessionSwitcher {
  private readonly serializer = new KeyedSerializer();

  constructor(
    private readonly deps: { sessions: SessionStore; chats: ChatStore; now: () => Date; logger: Logger },
  ) {}

  switchTo(chatId: ChatId, name: string): Promise<SwitchResult> {
    return this.serializer.run(this.deps.chats.file, () => this.switchNow(chatId, name));
  }

  private async switchNow(chatId: ChatId, name: string): Promise<SwitchResult> {
    const { sessions, chats } = this.deps;
    const activated = await sessions.update(name, {
      status: 'active',
      last_active_at: this.deps.now().toISOString(),
    });
    if (!activated.ok) return activated;
    const previous = await chats.set(chatId, name);
    // From here the chat has switched, on disk and in memory; the session left behind cannot undo that.
    if (previous !== undefined && previous !== name && !(await chats.isActiveAnywhere(previous)))
      await this.suspend(previous);
    return { ok: true, session: activated.session, previous };
  }

  private async suspend(name: string): Promise<void> {
    try {
      const suspended = await this.deps.sessions.update(name, { status: 'suspended' });
      if (!suspended.ok)
        this.deps.logger.warn({ session: name, error: suspended.error }, 'could not suspend');
    } catch (error) {
      this.deps.logger.warn({ err: error, session: name }, 'could not suspend');
    }
  }
}
