/**
 * The session commands' replies when Telegram is difficult: a button press answered too late,
 * a message edited after it was sent.
 */
import { describe, expect, it } from 'vitest';
import type { SessionManager } from '../../src/sessions/manager.ts';
import type { PersonaLibrary } from '../../src/sessions/personas.ts';
import { sessionCommands } from '../../src/telegram/commands/sessions.ts';
import type { SessionOutput } from '../../src/telegram/session-output.ts';
import { buttonUpdate, offlineBot, recordCalls, textUpdate } from './offline-bot.ts';

const OWNER = 4242;

function botWith(manager: Partial<SessionManager>, failing: Record<string, string> = {}) {
  const bot = offlineBot();
  const calls = recordCalls(bot, failing);
  bot.use(
    sessionCommands({
      manager: manager as SessionManager,
      personas: {} as PersonaLibrary,
      output: {} as SessionOutput,
    }),
  );
  const replies = () =>
    calls.filter((call) => call.method === 'sendMessage').map((call) => call.payload.text as string);
  return { bot, calls, replies };
}

describe('session buttons', () => {
  it('a press Telegram no longer lets the bot answer (too old) still gets the switch confirmed in the chat', async () => {
    const switched: string[] = [];
    const { bot, replies } = botWith(
      {
        switchTo: async (_chat, name) => {
          switched.push(name);
          return { ok: true, message: `Switched to session '${name}'.` };
        },
      },
      { answerCallbackQuery: 'query is too old and response timeout expired or query ID is invalid' },
    );
    await bot.handleUpdate(buttonUpdate(OWNER, 'switch:work'));
    expect(switched).toEqual(['work']);
    expect(replies()).toEqual(["Switched to session 'work'."]);
  });

  it('a long outcome does not break the button answer (Telegram allows 200 characters there)', async () => {
    const damaged = `Session 'work' has a damaged metadata.json: ${'status: Invalid option; '.repeat(12)}`;
    const { bot, calls, replies } = botWith({
      switchTo: async () => ({ ok: false, message: damaged }),
    });
    await bot.handleUpdate(buttonUpdate(OWNER, 'switch:work'));
    const answer = calls.find((call) => call.method === 'answerCallbackQuery');
    expect(String(answer?.payload.text ?? '').length).toBeLessThanOrEqual(200);
    expect(replies()).toEqual([damaged]);
  });
});

describe('plain text', () => {
  it('a question that starts with a path goes to Claude, not back as an unknown command', async () => {
    const sent: string[] = [];
    const bot = offlineBot();
    const calls = recordCalls(bot);
    bot.use(
      sessionCommands({
        manager: {
          send: async (_chat, text) => {
            sent.push(text);
            return { ok: true, session: 'work', queued: 0 };
          },
        } as Partial<SessionManager> as SessionManager,
        personas: {} as PersonaLibrary,
        output: { queued: () => undefined } as Partial<SessionOutput> as SessionOutput,
      }),
    );
    await bot.handleUpdate(textUpdate(OWNER, '/etc/nginx/nginx.conf fails to load, why?'));
    await bot.handleUpdate(textUpdate(OWNER, '/frobnicate now'));
    expect(sent).toEqual(['/etc/nginx/nginx.conf fails to load, why?']);
    expect(calls.filter((call) => call.method === 'sendMessage').map((call) => call.payload.text)).toEqual([
      'Unknown command /frobnicate. /help lists the commands.',
    ]);
  });
});
