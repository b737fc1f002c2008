import type { SessionActivity } from './activity.ts';
import type { ChatId, ChatStore } from './chat-store.ts';
import type { LiveProcess, LiveProcesses } from './live-processes.ts';
import type { SendOutcome } from './outcomes.ts';
import type { SessionStore } from './session-store.ts';

export interface DeliverDeps {
  sessions: SessionStore;
  chats: ChatStore;
  processes: LiveProcesses;
  activity: SessionActivity;
}

/**
 * Hands something to the chat's active session's process (`hand`), starting the process if it
 * has none: resuming its conversation, unless the session is marked failed. `onQueued` runs as
 * soon as it is handed over; the session's activity is recorded after.
 */
export async function deliverToActive(
  deps: DeliverDeps,
  chatId: ChatId,
  hand: (process: LiveProcess) => void | Promise<void>,
  onQueued?: (session: string) => void,
): Promise<SendOutcome> {
  const { processes } = deps;
  const name = await deps.chats.activeName(chatId);
  if (name === undefined) return { ok: false, reason: 'no_active_session' };
  if (processes.closed) return { ok: false, reason: 'shutting_down' };
  let process = processes.useRunning(chatId, name);
  let resumed: { idleMs: number } | undefined;
  if (!process) {
    const loaded = await deps.sessions.load(name);
    if (!loaded.ok && loaded.error === 'malformed')
      return { ok: false, reason: 'damaged_metadata', name, detail: loaded.detail };
    if (!loaded.ok) return { ok: false, reason: 'no_active_session' };
    const { session } = loaded;
    if (session.metadata.failed_at) return { ok: false, reason: 'session_failed', name };
    resumed = deps.activity.resumeOf(session);
    process = await processes.use(chatId, session);
    if (!process && processes.closed) return { ok: false, reason: 'shutting_down' };
    if (!process) return { ok: false, reason: 'start_failed', name };
  }
  await hand(process);
  onQueued?.(name);
  // After the send, so Claude is never kept waiting for the disk.
  await deps.activity.noted(name, resumed !== undefined);
  return { ok: true, session: name, queued: process.queueLength, ...(resumed ? { resumed } : {}) };
}
