/**
 * Approval cards through the whole bot: the fake model asks for a Bash call, the CLI asks the bot
 * (`can_use_tool`, stamped on its stdout by bench/cli-relay.mjs), the card reaches the fake Telegram
 * (stamped there), the owner presses Allow (stamped by this process as it queues the press), and
 * the bot's answer reaches the CLI's stdin (stamped by the relay). Beside the bot's two shares, the
 * CLI's: from the model's tool call to its `can_use_tool`, and from the answer to the request that
 * brings the tool's result back to the model (which includes running the tool).
 */
import type { World } from '../test/e2e/harness.ts';
import { echoScript, type Script } from '../test/fakes/anthropic/index.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import { readRelayLog } from './relay-log.ts';
import { summarize } from './stats.ts';
import { formatTable, ms } from './table.ts';
import { command, until } from './through-bot.ts';

export const APPROVAL_PROMPTS = 30;
export const APPROVAL_TARGET_MEDIAN_MS = 10;

export interface ApprovalSample {
  /** The model's last byte of the answer asking for the tool. */
  toolCallAt: number;
  /** The CLI wrote its `can_use_tool` request. */
  askedAt: number;
  /** The card's sendMessage arrived at the fake Telegram. */
  cardAt: number;
  /** The press was queued on the fake Telegram. */
  pressAt: number;
  /** The bot's answer reached the CLI's stdin. */
  answeredAt: number;
  /** The CLI's next request (with the tool's result) reached the model. */
  resultRequestAt: number;
}

/** `run: <command>` asks for Bash; the tool's result is answered `ran: <command>`. */
const approvalScript: Script = (turn) => {
  const [result] = turn.toolResults;
  if (result) return { text: `ran: ${result.toolUseId}` };
  const text = turn.userText;
  if (text.startsWith('run: ')) return { toolUse: { name: 'Bash', input: { command: text.slice(5) } } };
  return { text: `You said: ${text}` };
};

async function stampOf<T>(find: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  let found: T | undefined;
  const deadline = Date.now() + 5_000;
  for (;;) {
    found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no stamp for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `prompts` approvals, one after another, in a fresh session of the owner's private chat. */
export async function measureApprovals(
  world: World,
  chatId: number,
  ownerId: number,
  relayLog: string,
  prompts = APPROVAL_PROMPTS,
): Promise<ApprovalSample[]> {
  world.model.setScript(approvalScript);
  const samples: ApprovalSample[] = [];
  try {
    await command(world, chatId, '/new approvals', "Session 'approvals' created.");
    for (let i = 0; i < prompts; i++) {
      const shell = `touch approval-${i}.txt`;
      const text = `run: ${shell}`;
      const callsBefore = world.tg.calls.length;
      world.tg.sendText({ userId: ownerId, chatId, text });
      const isCard = (text: string) => text.includes('Approval needed') && text.includes(shell);
      const card = await world.tg.waitForMessage(chatId, (m) => isCard(m.text), { timeoutMs: 30_000 });
      const allow = card.replyMarkup?.inline_keyboard.flat().find((b) => String(b.text).includes('Allow'));
      if (!allow) throw new Error(`the card for ${shell} has no Allow button`);
      const cardCall = await stampOf(
        () =>
          world.tg.calls
            .slice(callsBefore)
            .find(
              (call) =>
                call.method === 'sendMessage' &&
                String(call.params.text).includes('Approval needed') &&
                String(call.params.text).includes(shell),
            ),
        'the card',
      );
      const pressAt = monotonicMs();
      world.tg.pressButton({
        userId: ownerId,
        chatId,
        messageId: card.messageId,
        data: String(allow.callback_data),
      });
      await world.tg.waitForMessage(chatId, 'ran: ', { timeoutMs: 30_000 });
      const asked = await stampOf(
        async () => (await readRelayLog(relayLog)).find((s) => s.type === 'can_use_tool' && s.text === shell),
        `can_use_tool of ${shell}`,
      );
      const answered = await stampOf(
        async () =>
          (await readRelayLog(relayLog)).find(
            (s) => s.type === 'control_response' && s.requestId === asked.requestId,
          ),
        `the answer to ${shell}`,
      );
      const ask = world.model.requests.find((r) => world.model.lastUserText(r) === text);
      const next = world.model.requests.find((r) => ask !== undefined && r.seq > ask.seq);
      if (!ask || !next) throw new Error(`the model never saw both requests of ${shell}`);
      await until(() => ask.finishedAt !== undefined, 5_000, 'the tool call to finish');
      samples.push({
        toolCallAt: ask.finishedAt as number,
        askedAt: asked.at,
        cardAt: cardCall.monotonicAt,
        pressAt,
        answeredAt: answered.at,
        resultRequestAt: next.receivedAt,
      });
    }
  } finally {
    world.model.setScript(echoScript);
  }
  return samples;
}

/** The bot's two shares and the CLI's, median and p99 over the prompts. */
export function approvalTable(samples: readonly ApprovalSample[]): string {
  const rows: Array<[string, string, number[], boolean]> = [
    ['bot: can_use_tool -> card at Telegram', 'bot', samples.map((s) => s.cardAt - s.askedAt), true],
    ['bot: press queued -> answer at CLI stdin', 'bot', samples.map((s) => s.answeredAt - s.pressAt), true],
    ['CLI: tool call from model -> can_use_tool', 'CLI', samples.map((s) => s.askedAt - s.toolCallAt), false],
    [
      'CLI: answer -> tool run, result at model',
      'CLI',
      samples.map((s) => s.resultRequestAt - s.answeredAt),
      false,
    ],
  ];
  return formatTable(
    [
      { title: 'stretch' },
      { title: 'whose' },
      { title: 'median ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'target', align: 'right' },
      { title: 'met', align: 'right' },
    ],
    rows.map(([label, whose, values, judged]) => {
      const summary = summarize(values);
      return [
        label,
        whose,
        ms(summary.median),
        ms(summary.p99),
        judged ? `< ${APPROVAL_TARGET_MEDIAN_MS}` : '',
        judged ? (summary.median < APPROVAL_TARGET_MEDIAN_MS ? 'yes' : 'NO') : '',
      ];
    }),
  );
}
