import type { Logger } from '../logging.ts';
import type { ChatId } from './chat-store.ts';
import type { LiveProcess } from './live-processes.ts';
import type { ModelOutcome, OutputModeOutcome } from './outcomes.ts';
import type { OutputMode, Session, SessionStore } from './session-store.ts';

/**
 * A session's own choices, kept in its metadata.json: the model (`model_override`) and how its
 * output is shown (`output_mode`). A model change reaches the running process at once.
 */
export class SessionPreferences {
  constructor(
    private readonly deps: {
      sessions: SessionStore;
      activeName: (chatId: ChatId) => Promise<string | undefined>;
      running: (name: string) => LiveProcess | undefined;
      reportedModel: (name: string) => string | undefined;
      logger: Logger;
    },
  ) {}

  /** The active session's model; with `model`, switched to it first. */
  async model(chatId: ChatId, model?: string): Promise<ModelOutcome> {
    const session = await this.activeSession(chatId);
    if (!session) return { ok: false, reason: 'no_active_session' };
    const name = session.metadata.name;
    if (model === undefined)
      return { ok: true, name, model: await this.modelOf(session), appliedLive: false };
    const updated = await this.deps.sessions.update(name, { model_override: model });
    if (!updated.ok) return { ok: false, reason: 'no_active_session' };
    const process = this.deps.running(name);
    let appliedLive = false;
    if (process?.setModel) {
      try {
        await process.setModel(model);
        appliedLive = true;
      } catch (error) {
        // Stored all the same: the next process starts with it.
        this.deps.logger.warn({ err: error, session: name, model }, 'could not switch the model live');
      }
    }
    return { ok: true, name, model, appliedLive };
  }

  /** The model a session runs: the owner's choice, else what its process said, else its persona's. */
  async modelOf(session: Session): Promise<string | undefined> {
    const name = session.metadata.name;
    return (
      session.metadata.model_override ??
      this.deps.reportedModel(name) ??
      (await this.deps.sessions.readPersona(name))?.settings.model
    );
  }

  /** Turns `mode` on for the active session, or off (back to default) when it is on. */
  async toggleOutputMode(chatId: ChatId, mode: 'verbose' | 'smart'): Promise<OutputModeOutcome> {
    const session = await this.activeSession(chatId);
    if (!session) return { ok: false, reason: 'no_active_session' };
    const name = session.metadata.name;
    const on = session.metadata.output_mode !== mode;
    const updated = await this.deps.sessions.update(name, { output_mode: on ? mode : 'default' });
    if (!updated.ok) return { ok: false, reason: 'no_active_session' };
    return { ok: true, name, toggled: mode, on };
  }

  /** How the session's output is shown; `default` for a session that cannot be read. */
  async outputModeOf(name: string): Promise<OutputMode> {
    return (await this.deps.sessions.get(name))?.metadata.output_mode ?? 'default';
  }

  private async activeSession(chatId: ChatId): Promise<Session | undefined> {
    const name = await this.deps.activeName(chatId);
    return name === undefined ? undefined : this.deps.sessions.get(name);
  }
}
