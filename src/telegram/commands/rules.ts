import { createHash } from 'node:crypto';
import { Composer, type Context, InlineKeyboard } from 'grammy';
import { RULE_GONE, removeButton, ruleRemovedText, rulesText } from '../copy/rules.ts';
import { sessionOutcomeText } from '../copy/sessions.ts';

/** `rule:<session>:<hash>`: a short hash names the rule, so its text never travels in a button. */
const RULE_DATA = /^rule:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{12})$/;
const ruleKey = (rule: string): string => createHash('sha256').update(rule).digest('base64url').slice(0, 12);

export interface RuleBook {
  list(session: string): Promise<string[]>;
  /** Removes the rule; resolves with whether it was there. */
  remove(session: string, rule: string): Promise<boolean>;
}

/**
 * `/rules` lists the active session's "Allow for session" rules, each with a button that removes it.
 * A removed rule no longer lets the bot answer for the owner; Claude Code's own copy of it goes when
 * the session's process starts again, which happens at once when the session is idle.
 */
export function rulesCommand(deps: {
  rules: RuleBook;
  activeName: (chatId: number) => Promise<string | undefined>;
  /** Starts the session's process again when it is idle; resolves false when a turn is running. */
  restartIfIdle: (chatId: number, session: string) => Promise<boolean>;
}): Composer<Context> {
  const commands = new Composer<Context>();

  async function listing(session: string): Promise<{ text: string; keyboard?: InlineKeyboard }> {
    const rules = await deps.rules.list(session);
    if (rules.length === 0) return { text: rulesText(session, rules) };
    const keyboard = new InlineKeyboard();
    rules.forEach((rule, index) => {
      keyboard.text(removeButton(index, rule), `rule:${session}:${ruleKey(rule)}`).row();
    });
    return { text: rulesText(session, rules), keyboard };
  }

  commands.command('rules', async (ctx) => {
    const session = await deps.activeName(ctx.chat.id);
    if (session === undefined) {
      await ctx.reply(sessionOutcomeText({ ok: false, reason: 'no_active_session' }));
      return;
    }
    const { text, keyboard } = await listing(session);
    await ctx.reply(text, keyboard ? { reply_markup: keyboard } : {});
  });

  commands.callbackQuery(RULE_DATA, async (ctx) => {
    const [, session = '', key = ''] = ctx.match;
    const rule = (await deps.rules.list(session)).find((candidate) => ruleKey(candidate) === key);
    if (rule === undefined || !(await deps.rules.remove(session, rule))) {
      await ctx.answerCallbackQuery({ text: RULE_GONE }).catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery().catch(() => undefined);
    const chatId = ctx.chat?.id;
    const restarted = chatId !== undefined && (await deps.restartIfIdle(chatId, session));
    const { text, keyboard } = await listing(session);
    await ctx.editMessageText(text, keyboard ? { reply_markup: keyboard } : {}).catch(() => undefined);
    await ctx.reply(ruleRemovedText(session, rule, !restarted));
  });

  return commands;
}
