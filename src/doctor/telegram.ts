import { z } from 'zod';
import { type CheckResult, fail, ok, reasonOf } from './check.ts';

const NAME = 'Telegram';

const getMeAnswer = z.union([
  z.object({ ok: z.literal(true), result: z.looseObject({ username: z.string() }) }),
  z.object({ ok: z.literal(false), error_code: z.number(), description: z.string() }),
]);

/**
 * `getMe` with plain fetch: proves Telegram (or TELEGRAM_API_ROOT) is reachable and takes the
 * token, and names the bot. The token is part of the URL, so it never appears in what is shown.
 */
export async function checkTelegram(
  settings: { botToken: string; telegramApiRoot: string },
  timeoutMs: number,
): Promise<CheckResult> {
  const root = settings.telegramApiRoot;
  let status: number;
  let body: unknown;
  try {
    const response = await fetch(`${root}/bot${settings.botToken}/getMe`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    body = await response.json().catch(() => undefined);
  } catch (error) {
    const reason = reasonOf(error).split(settings.botToken).join('[token]');
    return fail(
      NAME,
      `${root} is unreachable (${reason})`,
      'check the network (DNS, firewall, proxy); with a self-hosted Bot API server, check TELEGRAM_API_ROOT',
    );
  }
  const answer = getMeAnswer.safeParse(body);
  if (answer.success && answer.data.ok) return ok(NAME, `@${answer.data.result.username} answers at ${root}`);
  // Telegram answers 401 for a token it does not know, 404 for one it cannot even parse.
  if (status === 401 || status === 404) {
    return fail(
      NAME,
      `Telegram rejected TELEGRAM_BOT_TOKEN (HTTP ${status})`,
      'copy the token from @BotFather (/mybots → your bot → API Token) into TELEGRAM_BOT_TOKEN',
    );
  }
  const description = answer.success && !answer.data.ok ? `: ${answer.data.description}` : '';
  return fail(
    NAME,
    `getMe failed at ${root} (HTTP ${status}${description})`,
    'try again shortly; if it persists, check TELEGRAM_API_ROOT',
  );
}
