/** What a new user reads when the bot cannot start: one plain line, never a stack trace. */

/** Telegram answered getMe with 401 (a wrong or revoked token) or 404 (not a bot token at all). */
export function tokenRejectedLine(status: number): string {
  const why = status === 404 ? '404 Not Found: that is not a bot token' : `${status} Unauthorized`;
  return `TELEGRAM_BOT_TOKEN was rejected by Telegram (${why}). Copy the token @BotFather gave your bot (/mybots → API Token) into TELEGRAM_BOT_TOKEN, then start again.`;
}
