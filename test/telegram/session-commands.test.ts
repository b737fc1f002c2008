/**
 * The session commands: SPEC.md's command table played through a real session manager (with a
 * recording process in place of Claude Code), and the replies when Telegram is difficult.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from '../../src/sessions/chat-store.ts';
import { SessionManager } from '../../src/sessions/manager.ts';
import { PersonaLibrary, SHIPPED_PERSONAS_DIR } from '../../src/sessions/personas.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { sessionCommands } from '../../src/telegram/commands/sessions.ts';
import type { SessionOutput } from '../../src/telegram/session-output.ts';
import { captureLogger, makeTempDir, manualClock } from '../sessions/helpers.ts';
import { RecordingProcess } from '../sessions/recording-process.ts';
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
  it('a forged switch button with an invalid name hears the naming rule and switches nothing', async () => {
    let switched = false;
    const { bot, replies } = botWith({
      switchTo: async () => {
        switched = true;
        return { ok: true, kind: 'switched', name: 'x' };
      },
    });
    await bot.handleUpdate(buttonUpdate(OWNER, 'switch:../../etc'));
    expect(replies()).toEqual([
      'Session names are 1–32 letters, digits, - or _, starting with a letter or digit.',
    ]);
    expect(switched).toBe(false);
  });

  it('a press Telegram no longer lets the bot answer (too old) still gets the switch confirmed in the chat', async () => {
    const switched: string[] = [];
    const { bot, replies } = botWith(
      {
        switchTo: async (_chat, name) => {
          switched.push(name);
          return { ok: true, kind: 'switched', name };
        },
      },
      { answerCallbackQuery: 'query is too old and response timeout expired or query ID is invalid' },
    );
    await bot.handleUpdate(buttonUpdate(OWNER, 'switch:work'));
    expect(switched).toEqual(['work']);
    expect(replies()).toEqual(["Switched to session 'work'."]);
  });

  it('a long outcome does not break the button answer (Telegram allows 200 characters there)', async () => {
    const detail = 'status: Invalid option; '.repeat(12);
    const { bot, calls, replies } = botWith({
      switchTo: async (_chat, name) => ({ ok: false, reason: 'damaged_metadata', name, detail }),
    });
    const damaged = `Session 'work' has a damaged metadata.json: ${detail}`;
    await bot.handleUpdate(buttonUpdate(OWNER, 'switch:work'));
    const answer = calls.find((call) => call.method === 'answerCallbackQuery');
    expect(String(answer?.payload.text ?? '').length).toBeLessThanOrEqual(200);
    expect(replies()).toEqual([damaged]);
  });
});

describe('plain text', () => {
  it('a question that starts with a path goes to Claude, not back as an unknown command', async () => {
    const sent: unknown[] = [];
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

describe("SPEC.md's session commands, through the session manager", () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  function realBot() {
    const { logger } = captureLogger();
    const { now } = manualClock();
    const personas = new PersonaLibrary({
      shippedDir: SHIPPED_PERSONAS_DIR,
      ownerDir: `${dataDir}/personas`,
      logger,
    });
    const processes: RecordingProcess[] = [];
    const manager = new SessionManager({
      sessions: new SessionStore({ dataDir, now, logger }),
      chats: new ChatStore({ dataDir, logger }),
      personas,
      now,
      logger,
      startProcess: ({ session }) => {
        const process = new RecordingProcess(session.metadata.name);
        processes.push(process);
        return process;
      },
      onEvent: () => undefined,
    });
    const queued: string[] = [];
    const bot = offlineBot();
    const calls = recordCalls(bot);
    bot.use(
      sessionCommands({
        manager,
        personas,
        output: {
          queued: (_chat, session) => queued.push(session),
        } as Partial<SessionOutput> as SessionOutput,
      }),
    );
    const say = async (text: string) => {
      const before = calls.length;
      await bot.handleUpdate(textUpdate(OWNER, text));
      return calls
        .slice(before)
        .filter((call) => call.method === 'sendMessage')
        .map((call) => call.payload.text as string);
    };
    return { say, processes, queued, manager };
  }

  it('answers each row of the command table with its exact text', async () => {
    const { say, processes, queued } = realBot();
    expect(await say('hello?')).toEqual(['No active session. Use /new <name> to start one.']);
    expect((await say('/new'))[0]).toBe(
      'Usage: /new <name> [persona]\nPersonas: brainstorm, default, planner, research',
    );
    expect(await say('/new test-session')).toEqual(["Session 'test-session' created."]);
    expect(await say('/new second brainstorm')).toEqual([
      "Session 'second' created with persona 'brainstorm'.",
    ]);
    expect(await say('/new test-session')).toEqual([
      "Session 'test-session' already exists. Use /session test-session to switch to it.",
    ]);
    expect(await say('/session test-session')).toEqual(["Switched to session 'test-session'."]);
    expect(await say('/session ghost')).toEqual([
      "Session 'ghost' doesn't exist. Use /new ghost to create it.",
    ]);
    expect(await say('what now?')).toEqual([]);
    expect(queued).toEqual(['test-session']);
    // An invalid name hears the rule, not "use /new ../x", and the active session stays.
    const rule = 'Session names are 1–32 letters, digits, - or _, starting with a letter or digit.';
    expect(await say('/session ../x')).toEqual([rule]);
    expect(await say('/session \u0430lpha')).toEqual([rule]);
    expect(processes.map((p) => [p.session, p.sent])).toEqual([
      ['test-session', ['what now?']],
      ['second', []],
    ]);
  });

  it('/session with no name gives the usage line and the sessions, the active one marked', async () => {
    const { say } = realBot();
    expect(await say('/session')).toEqual([
      'Usage: /session <name>\nNo sessions yet. Use /new <name> to start one.',
    ]);
    await say('/new a');
    await say('/new b planner');
    await say('/session a');
    expect(await say('/session')).toEqual([
      'Usage: /session <name>\n▶️ a (default, active, running)\n• b (planner, suspended, running)',
    ]);
  });
});
