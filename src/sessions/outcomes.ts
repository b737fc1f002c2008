/**
 * What the session manager answers, as data: `src/telegram/copy/sessions.ts` puts it into words.
 */

/** A persona the owner could have picked instead. */
export interface PersonaChoice {
  name: string;
  description: string;
}

/** Why a session request was not done, with what is needed to explain it. */
export type SessionRefusal =
  | { ok: false; reason: 'invalid_name'; name: string }
  | { ok: false; reason: 'exists'; name: string }
  | { ok: false; reason: 'not_found'; name: string }
  | { ok: false; reason: 'unknown_persona'; persona: string; available: PersonaChoice[] }
  /** A folder of that name is in the sessions directory, but its metadata.json is damaged or missing. */
  | { ok: false; reason: 'folder_not_a_session'; name: string; metadata: 'damaged' | 'missing' }
  | { ok: false; reason: 'damaged_metadata'; name: string; detail: string }
  | { ok: false; reason: 'no_active_session' }
  | { ok: false; reason: 'shutting_down' }
  /** The session's Claude Code process could not be started (the log says why). */
  | { ok: false; reason: 'start_failed'; name: string }
  /** Its Claude Code kept crashing: it waits for the owner to start it again (switching to it). */
  | { ok: false; reason: 'session_failed'; name: string }
  /** `Start fresh` for a session whose conversation is not waiting for that choice. */
  | { ok: false; reason: 'nothing_to_start_fresh'; name: string };

type Refusal<R extends SessionRefusal['reason']> = Extract<SessionRefusal, { reason: R }>;

export type CreateOutcome =
  | {
      ok: true;
      kind: 'created';
      name: string;
      /** The persona the session was created with. */
      persona: string;
      /** Whether the owner named it, rather than getting `default`. */
      personaGiven: boolean;
    }
  | Refusal<
      'invalid_name' | 'unknown_persona' | 'exists' | 'folder_not_a_session' | ActivateRefusal['reason']
    >;

export type SwitchOutcome = { ok: true; kind: 'switched'; name: string } | ActivateRefusal;

/** Why making an existing session a chat's active one failed (it vanished or broke meanwhile). */
export type ActivateRefusal = Refusal<'not_found' | 'damaged_metadata'>;

export type SendOutcome =
  | {
      ok: true;
      session: string;
      queued: number;
      /** The session had no process: one was started to resume its conversation, idle this long. */
      resumed?: { idleMs: number };
    }
  | Refusal<'no_active_session' | 'shutting_down' | 'start_failed' | 'session_failed' | 'damaged_metadata'>;

/** `/stop`: whether a turn was interrupted and how many waiting messages were dropped. */
export type StopOutcome =
  | { ok: true; session: string; interrupted: boolean; dropped: number }
  | Refusal<'no_active_session'>;

export type StartFreshOutcome = { ok: true; name: string } | Refusal<'nothing_to_start_fresh'>;

/** `/timeout`: the session's idle timeout now (ms, 0 never), and whether it is its own or the default. */
export type IdleTimeoutOutcome =
  | { ok: true; name: string; timeoutMs: number; own: boolean }
  | Refusal<'no_active_session'>;

/** `/model`: the active session's model, after a change when one was asked for. */
export type ModelOutcome =
  | {
      ok: true;
      name: string;
      /** Undefined: neither the owner nor the persona chose one, and the process has not said yet. */
      model: string | undefined;
      /** A change reached the running process at once (false: it takes effect when one starts). */
      appliedLive: boolean;
    }
  | Refusal<'no_active_session'>;

/** `/verbose`, `/smart`: the active session's output mode after the toggle. */
export type OutputModeOutcome =
  | { ok: true; name: string; toggled: 'verbose' | 'smart'; on: boolean }
  | Refusal<'no_active_session'>;
