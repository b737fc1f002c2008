import { describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../../src/sessions/outcomes.ts';
import { activeSessionLink, type SessionLinkDeps } from '../../../src/telegram/inbound/session-link.ts';

function link(active: string | undefined, sendOutcome: SendOutcome) {
  const sent: unknown[] = [];
  const queued: Array<[number, string]> = [];
  const deps: SessionLinkDeps = {
    manager: {
      activeName: async () => active,
      send: async (_chatId, content) => {
        sent.push(content);
        return sendOutcome;
      },
    },
    sessions: {
      get: async (name) =>
        name === 'work' ? ({ dir: '/data/sessions/work', metadata: {} } as never) : undefined,
    },
    output: { queued: (chatId, session) => void queued.push([chatId, session]) },
  };
  return { link: activeSessionLink(deps), sent, queued };
}

describe('activeSessionLink', () => {
  it("gives the active session's directory, or the No active session sentence", async () => {
    const ok = { ok: true, session: 'work', queued: 0 } as const;
    expect(await link('work', ok).link.sessionDirOf(7)).toEqual({ ok: true, dir: '/data/sessions/work' });
    const none = { ok: false, message: 'No active session. Use /new <name> to start one.' };
    expect(await link(undefined, ok).link.sessionDirOf(7)).toEqual(none);
    expect(await link('vanished', ok).link.sessionDirOf(7)).toEqual(none);
  });

  it('hands the turn to the session and shows typing, or says why it could not', async () => {
    const turn = [{ type: 'text' as const, text: 'look' }];
    const sending = link('work', { ok: true, session: 'work', queued: 0 });
    expect(await sending.link.deliver(7, turn)).toEqual({ ok: true });
    expect(sending.sent).toEqual([turn]);
    expect(sending.queued).toEqual([[7, 'work']]);

    const closing = link('work', { ok: false, reason: 'shutting_down' });
    expect(await closing.link.deliver(7, turn)).toEqual({
      ok: false,
      message: 'The bot is shutting down; send that again once it is back.',
    });
    expect(closing.queued).toEqual([]);
  });
});
