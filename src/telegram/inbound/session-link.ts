// The inbound composer's view of the sessions: where the chat's active session keeps its files, and
// how a turn reaches it (the way plain text does, typing shown while Claude works on it).
import type { SessionManager } from '../../sessions/manager.ts';
import type { SessionStore } from '../../sessions/session-store.ts';
import { sessionOutcomeText } from '../copy/sessions.ts';
import type { SessionOutput } from '../session-output.ts';
import type { InboundDeps } from './composer.ts';

export interface SessionLinkDeps {
  manager: Pick<SessionManager, 'activeName' | 'send'>;
  sessions: Pick<SessionStore, 'get'>;
  output: Pick<SessionOutput, 'queued'>;
}

const NO_ACTIVE_SESSION = sessionOutcomeText({ ok: false, reason: 'no_active_session' });

export function activeSessionLink(deps: SessionLinkDeps): Pick<InboundDeps, 'sessionDirOf' | 'deliver'> {
  return {
    async sessionDirOf(chatId) {
      const name = await deps.manager.activeName(chatId);
      const session = name === undefined ? undefined : await deps.sessions.get(name);
      if (!session) return { ok: false, message: NO_ACTIVE_SESSION };
      return { ok: true, dir: session.dir };
    },
    async deliver(chatId, content, options) {
      const sent = await deps.manager.send(chatId, content, options);
      if (!sent.ok) return { ok: false, message: sessionOutcomeText(sent) };
      deps.output.queued(chatId, sent.session);
      return { ok: true };
    },
  };
}
