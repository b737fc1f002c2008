/**
 * Control from the chat, end to end with the real CLI and the strict fake Telegram: approval cards
 * (allow, allow for session, deny with and without a reason, timeout, stale and stranger presses,
 * two at once), Claude's questions, plan mode with its plan approved, and bypass behind a confirmation.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Script, toolResultsOf } from '../fakes/anthropic/index.ts';
import type { ApiMessage } from '../fakes/anthropic/request.ts';
import type { BotMessage } from '../fakes/telegram/state.ts';
import { OWNER_ID, STRANGER_ID, type World, withRunningBot } from './harness.ts';

const chat = OWNER_ID;
const TURN = { timeoutMs: 40_000 };

/** The tool call a tool_result answers, found in the conversation the CLI sent. */
function toolCallOf(messages: readonly ApiMessage[], toolUseId: string) {
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content)
      if (block.type === 'tool_use' && block.id === toolUseId)
        return { name: String(block.name), input: block.input as Record<string, unknown> };
  }
  return undefined;
}

const QUESTION = {
  questions: [
    {
      question: 'Which colour?',
      header: 'Colour',
      options: [
        { label: 'Red', description: 'warm' },
        { label: 'Blue', description: 'cool' },
      ],
      multiSelect: false,
    },
  ],
};

/** `run: <command>` asks for Bash; `ask me` asks a question; `plan it` writes a plan and asks to leave plan mode. */
const script: Script = (turn) => {
  const [result] = turn.toolResults;
  if (result) {
    const call = toolCallOf(turn.messages, result.toolUseId);
    if (call?.name === 'Write' && String(call.input.file_path).includes('/plans/'))
      return { toolUse: { name: 'ExitPlanMode', input: {} } };
    return { text: `${call?.name} result: ${result.content}` };
  }
  const text = turn.userText;
  if (text.startsWith('run: ')) return { toolUse: { name: 'Bash', input: { command: text.slice(5) } } };
  if (text === 'ask me') return { toolUse: { name: 'AskUserQuestion', input: QUESTION } };
  if (text === 'plan it') {
    const planFile = /(\/[^\s"'\\]*\/plans\/[^\s"'\\]+\.md)/.exec(
      JSON.stringify(turn.messages) + turn.system,
    );
    if (!planFile) return { text: 'no plan file named' };
    const content = '# Tidy plan\n\n1. Sort the notes\n2. Remove the duplicates\n';
    return { toolUse: { name: 'Write', input: { file_path: planFile[1], content } } };
  }
  return { text: `You said: ${text}` };
};

describe('control from the chat', () => {
  let world: World;
  const sessionFile = (session: string, file: string) => path.join(world.dataDir, 'sessions', session, file);
  const metadata = (session: string) =>
    JSON.parse(readFileSync(sessionFile(session, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  const current = (message: BotMessage) =>
    world.tg.messages(chat).find((m) => m.messageId === message.messageId) as BotMessage;
  const buttons = (message: BotMessage) =>
    (current(message).replyMarkup?.inline_keyboard.flat() ?? []).map((button) => ({
      text: String(button.text),
      data: String(button.callback_data),
    }));
  const press = (message: BotMessage, label: string, userId = OWNER_ID) => {
    const button = buttons(message).find((b) => b.text.includes(label));
    if (!button) throw new Error(`no button '${label}' on: ${current(message).text}`);
    world.tg.pressButton({ userId, chatId: chat, messageId: message.messageId, data: button.data });
  };
  /** The tool_result contents the fake model received so far. */
  const toolResults = () => world.model.requests.flatMap((request) => toolResultsOf(request.messages));
  const card = (command: string) =>
    world.tg.waitForMessage(
      chat,
      (m) => m.text.includes('Approval needed') && m.text.includes(command),
      TURN,
    );
  const settledCard = async (message: BotMessage, outcome: string) => {
    await expect.poll(() => current(message).text, { timeout: 10_000 }).toContain(outcome);
    expect(buttons(message)).toEqual([]);
  };

  withRunningBot(
    async (started) => {
      world = started;
      started.say('/new alpha');
      await started.tg.waitForMessage(chat, "Session 'alpha' created.");
    },
    { script },
  );

  it('Allow runs the tool, and the card shows who allowed it, without buttons', async () => {
    world.say('run: touch allowed.txt');
    const approval = await card('touch allowed.txt');
    expect(approval.text).toContain('alpha');
    expect(buttons(approval).map((b) => b.text)).toEqual(
      expect.arrayContaining(['✅ Allow', '🔁 Allow for session', '❌ Deny']),
    );
    press(approval, 'Allow');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(existsSync(sessionFile('alpha', 'allowed.txt'))).toBe(true);
    await settledCard(approval, 'Allowed by');
  });

  it('Deny refuses the tool, Claude reads the refusal, and the turn ends cleanly', async () => {
    world.say('run: touch denied.txt');
    press(await card('touch denied.txt'), 'Deny');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(existsSync(sessionFile('alpha', 'denied.txt'))).toBe(false);
    expect(toolResults().at(-1)?.content).toContain('The owner denied this tool use.');
    world.say('still there?');
    await world.tg.waitForMessage(chat, 'You said: still there?', TURN);
  });

  it('a reply to the card denies with the reply as the reason Claude reads', async () => {
    world.say('run: touch reasoned.txt');
    const approval = await card('touch reasoned.txt');
    world.tg.sendText({ userId: OWNER_ID, text: 'not on a Sunday', replyToMessageId: approval.messageId });
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(toolResults().at(-1)?.content).toContain('The owner denied this tool use: not on a Sunday');
    await settledCard(approval, 'not on a Sunday');
    expect(existsSync(sessionFile('alpha', 'reasoned.txt'))).toBe(false);
  });

  it('Allow for session stores the rule; a matching call is not asked again, another one is', async () => {
    world.say('run: touch ruled.txt');
    const approval = await card('touch ruled.txt');
    press(approval, 'Allow for session');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    await settledCard(approval, 'Allowed for this session');
    const rules = metadata('alpha').allowed_tools as string[];
    expect(rules).toHaveLength(1);
    expect(current(approval).text).toContain(rules[0]);

    const cardsBefore = world.tg.messages(chat).filter((m) => m.text.includes('Approval needed')).length;
    world.say('run: touch ruled.txt');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(world.tg.messages(chat).filter((m) => m.text.includes('Approval needed'))).toHaveLength(
      cardsBefore,
    );

    world.say('run: mkdir unruled');
    press(await card('mkdir unruled'), 'Deny');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
  });

  it('/rules lists the rule with a button that removes it', async () => {
    world.say('/rules');
    const listing = await world.tg.waitForMessage(chat, "Rules for 'alpha'");
    const [rule] = metadata('alpha').allowed_tools as string[];
    expect(listing.text).toContain(String(rule));
    expect(buttons(listing)).toHaveLength(1);
  });

  it('a double tap: the second press answers that the request is no longer pending', async () => {
    world.say('run: touch twice.txt');
    const approval = await card('touch twice.txt');
    press(approval, 'Allow');
    press(approval, 'Allow');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    await expect
      .poll(() => world.tg.callbackAnswers().map((answer) => answer.text))
      .toContain('This request is no longer pending.');
  });

  it("a stranger's press changes nothing and leaves an audit line; the owner still decides", async () => {
    world.say('run: touch guarded.txt');
    const approval = await card('touch guarded.txt');
    press(approval, 'Allow', STRANGER_ID);
    await expect
      .poll(() => world.tg.callbackAnswers().map((answer) => answer.text))
      .toContain('Sorry, this is a private bot.');
    expect(buttons(approval).length).toBeGreaterThan(0);
    expect(existsSync(sessionFile('alpha', 'guarded.txt'))).toBe(false);
    const audit = (world.bot?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes('"audit":"refused"') && line.includes(`"userId":${STRANGER_ID}`));
    expect(audit).toHaveLength(1);
    press(approval, 'Deny');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(world.bot?.output()).toMatch(/"audit":"card".*"outcome":"denied"/);
  });

  it('two cards pending at once in two sessions each work on their own, and block nothing', async () => {
    world.say('run: touch first.txt');
    const first = await card('touch first.txt');
    world.say('/new beta');
    await world.tg.waitForMessage(chat, "Session 'beta' created.");
    world.say('run: touch second.txt');
    const second = await card('touch second.txt');
    expect(second.text).toContain('beta');
    press(second, 'Allow');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(existsSync(sessionFile('beta', 'second.txt'))).toBe(true);
    expect(buttons(first).length).toBeGreaterThan(0);
    press(first, 'Allow');
    await world.tg.waitForMessage(
      chat,
      (m) => m.text.startsWith('[alpha]') && m.text.includes('Bash result:'),
      TURN,
    );
    expect(existsSync(sessionFile('alpha', 'first.txt'))).toBe(true);
  });

  it("Claude's question is answered by a button, then by typing", async () => {
    world.say('ask me');
    const byButton = await world.tg.waitForMessage(chat, 'Which colour?', TURN);
    press(byButton, 'Blue');
    await world.tg.waitForMessage(chat, 'AskUserQuestion result:', TURN);
    expect(toolResults().at(-1)?.content).toContain('"Which colour?"="Blue"');
    await settledCard(byButton, 'Answered by');

    world.say('ask me');
    await world.tg.waitForMessage(chat, 'Which colour?', TURN);
    world.say('green, please');
    await world.tg.waitForMessage(chat, 'AskUserQuestion result:', TURN);
    expect(toolResults().at(-1)?.content).toContain('"Which colour?"="green, please"');
  });

  it('/mode plan: the plan arrives readable, Approve plan switches to acceptEdits and Claude carries on', async () => {
    world.say('/new planner');
    await world.tg.waitForMessage(chat, "Session 'planner' created.");
    world.say('/mode');
    const shown = await world.tg.waitForMessage(chat, "Mode for 'planner': default.");
    expect(buttons(shown).map((b) => b.text)).toEqual(['default', 'acceptEdits', 'plan', 'bypass']);
    world.say('/mode plan');
    await world.tg.waitForMessage(chat, "Mode for 'planner': plan.");
    expect(metadata('planner').permission_mode).toBe('plan');
    world.say('plan it');
    const plan = await world.tg.waitForMessage(chat, 'Remove the duplicates', TURN);
    expect(plan.text).toContain('Tidy plan');
    press(plan, 'accept edits');
    await world.tg.waitForMessage(chat, 'ExitPlanMode result:', TURN);
    expect(toolResults().at(-1)?.content).toContain('User has approved your plan');
    await settledCard(plan, 'Plan approved by');
    expect(metadata('planner').permission_mode).toBe('acceptEdits');
    world.say('/mode');
    await world.tg.waitForMessage(chat, "Mode for 'planner': acceptEdits.");
  });

  it('bypass is refused plainly as root without IS_SANDBOX=1, and asks for confirmation otherwise', async () => {
    world.say('/mode bypass');
    if (process.getuid?.() === 0) {
      await world.tg.waitForMessage(chat, 'Bypass cannot be had here');
      expect(metadata('planner').permission_mode).toBe('acceptEdits');
    } else {
      const confirm = await world.tg.waitForMessage(chat, 'Switch to bypass?');
      press(confirm, 'Cancel');
      await world.tg.waitForMessage(chat, 'Bypass not switched on.');
    }
  });

  it('after a restart: the rule still holds, an unanswered card times out, bypass works after confirming', async () => {
    await world.bot?.stop('SIGTERM');
    await world.startBot({ PERMISSION_TIMEOUT: '2s', IS_SANDBOX: '1' });
    world.say('/session alpha');
    await world.tg.waitForMessage(chat, "Switched to session 'alpha'.");
    const cardsBefore = world.tg.messages(chat).filter((m) => m.text.includes('Approval needed')).length;
    world.say('run: touch ruled.txt');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(world.tg.messages(chat).filter((m) => m.text.includes('Approval needed'))).toHaveLength(
      cardsBefore,
    );

    world.say('run: mkdir waited');
    const unanswered = await card('mkdir waited');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(toolResults().at(-1)?.content).toContain('No answer from the owner within 2 s');
    await settledCard(unanswered, 'Timed out after 2 s');
    expect(existsSync(sessionFile('alpha', 'waited'))).toBe(false);

    world.say('/mode bypass');
    const confirm = await world.tg.waitForMessage(chat, 'Switch to bypass?');
    press(confirm, 'Yes, bypass');
    await world.tg.waitForMessage(chat, "Mode for 'alpha': bypass.", TURN);
    world.say('run: mkdir bypassed');
    await world.tg.waitForMessage(chat, 'Bash result:', TURN);
    expect(existsSync(sessionFile('alpha', 'bypassed'))).toBe(true);
  }, 90_000);
});
