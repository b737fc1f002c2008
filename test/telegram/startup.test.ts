/** The first getMe: the bot's name, or one plain line and exit status 2 for a rejected token. */
import { Bot } from 'grammy';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { connectOrExplain, connectToTelegram } from '../../src/telegram/startup.ts';

const logger = pino({ level: 'silent' });

/** A bot whose getMe is answered with `answer` (no network). */
function botAnswering(answer: Record<string, unknown>): Bot {
  const bot = new Bot('123:SECRET-token');
  bot.api.config.use(async () => answer as never);
  return bot;
}

const ME = { id: 1, is_bot: true, first_name: 'Bridge', username: 'bridge_bot' };

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

async function run(bot: Bot): Promise<{ lines: string[]; code?: number }> {
  const lines: string[] = [];
  try {
    await connectOrExplain(bot, {
      logger,
      writeLine: (line) => lines.push(line),
      exit: (code) => {
        throw new Exited(code);
      },
    });
    return { lines };
  } catch (error) {
    if (error instanceof Exited) return { lines, code: error.code };
    throw error;
  }
}

describe('connectToTelegram', () => {
  it("is the bot's name when Telegram accepts the token", async () => {
    expect(await connectToTelegram(botAnswering({ ok: true, result: ME }))).toEqual({
      ok: true,
      username: 'bridge_bot',
    });
  });

  it('passes on other failures (they are not about the token)', async () => {
    const bot = botAnswering({ ok: false, error_code: 400, description: 'Bad Request: odd' });
    await expect(connectToTelegram(bot)).rejects.toThrow(/odd/);
  });
});

describe('connectOrExplain', () => {
  it('goes on quietly when Telegram accepts the token', async () => {
    expect(await run(botAnswering({ ok: true, result: ME }))).toEqual({ lines: [] });
  });

  it.each([
    [401, 'Unauthorized'],
    [404, 'Not Found'],
  ])(
    'ends with status 2 and one line naming TELEGRAM_BOT_TOKEN on %i, without the token',
    async (status, description) => {
      const outcome = await run(botAnswering({ ok: false, error_code: status, description }));
      expect(outcome.code).toBe(2);
      expect(outcome.lines).toHaveLength(1);
      expect(outcome.lines[0]).toContain('TELEGRAM_BOT_TOKEN');
      expect(outcome.lines[0]).toContain(String(status));
      expect(outcome.lines[0]).not.toContain('SECRET');
    },
  );
});
