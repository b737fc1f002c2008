/**
 * Turns measured through the whole bot: the owner writes on the fake Telegram, the bot (started as
 * `npm start` starts it) hands the message to its Claude Code process, the CLI asks the fake model,
 * and the answer comes back to the fake Telegram. Every instant is a stamp on the machine's
 * monotonic clock (µs precision), never taken by the bot: the update queued is stamped by this
 * process as it hands the update to the fake Telegram; the request's arrival and last byte by the
 * fake model; the answer's sendMessage arriving by the fake Telegram; and, with the relay, the CLI's
 * stdin and stdout by bench/cli-relay.mjs.
 */

import { delay, OWNER_ID, type World } from '../test/e2e/harness.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import type { CallRecord } from '../test/fakes/telegram/index.ts';
import { type CliStamps, cliStampsOf } from './relay-log.ts';

/**
 * Pause between measured turns, so one turn's tail (the CLI's bookkeeping after its result, typing
 * stop) never overlaps the next. A phone user pauses far longer than this.
 */
export const TURN_GAP_MS = 150;

/** The echo script's answer to `text`. */
export const answerTo = (text: string): string => `You said: ${text}`;

export interface BotTurn {
  /**
   * The update was queued on the fake Telegram (available to the bot's long poll): stamped by the
   * benchmark process just before it hands the update over.
   */
  queuedAt: number;
  /** The CLI's request reached the fake model. */
  requestAt: number;
  /** The fake model handed the last byte of its answer to the socket. */
  modelDoneAt: number;
  /** The bot's sendMessage carrying the answer arrived at the fake Telegram. */
  replyAt: number;
  /** When the bot runs the CLI through bench/cli-relay.mjs: the CLI's own stdin and stdout stamps. */
  cli?: CliStamps;
}

/** Sends `text` as the owner in `chatId` and waits for its answer; returns the turn's stamps. */
export async function measureBotTurn(
  world: World,
  chatId: number,
  text: string,
  options: { timeoutMs?: number; relayLog?: string } = {},
): Promise<BotTurn> {
  const { timeoutMs = 30_000, relayLog } = options;
  // Only calls made after this turn's message count: an earlier or failed call is never its answer.
  const callsBefore = world.tg.calls.length;
  const queuedAt = monotonicMs();
  world.tg.sendText({ userId: OWNER_ID, chatId, text });
  await world.tg.waitForMessage(chatId, answerTo(text), { timeoutMs });
  const reply = await waitForCall(
    world,
    callsBefore,
    (call) => call.status === 200 && isSendTo(call, chatId) && paramsMention(call, answerTo(text)),
  );
  const request = world.model.requests.find((r) => world.model.lastUserText(r) === text);
  if (!request) throw new Error(`the fake model never saw ${JSON.stringify(text)}`);
  await until(() => request.finishedAt !== undefined, 5_000, 'the model answer to finish');
  const turn: BotTurn = {
    queuedAt,
    requestAt: request.receivedAt,
    modelDoneAt: request.finishedAt as number,
    replyAt: reply.monotonicAt,
  };
  if (relayLog === undefined) return turn;
  const cli = await cliStampsOf(relayLog, text, answerTo(text));
  if (!cli) throw new Error(`the relay logged no stdin/stdout stamps for ${JSON.stringify(text)}`);
  return { ...turn, cli };
}

/** Sends a command as the owner and waits until the bot's reply containing `expected` is shown. */
export async function command(world: World, chatId: number, text: string, expected: string): Promise<void> {
  world.tg.sendText({ userId: OWNER_ID, chatId, text });
  await world.tg.waitForMessage(chatId, expected, { timeoutMs: 15_000 });
}

const sameChat = (call: CallRecord, chatId: number) => String(call.params.chat_id) === String(chatId);
const isSendTo = (call: CallRecord, chatId: number) =>
  call.method === 'sendMessage' && sameChat(call, chatId);
const paramsMention = (call: CallRecord, text: string) => String(call.params.text ?? '').includes(text);

/**
 * The fake records a call once it has answered it (stamped with its arrival): waits for the first
 * record at index `from` or later that matches.
 */
async function waitForCall(
  world: World,
  from: number,
  match: (call: CallRecord) => boolean,
): Promise<CallRecord> {
  let found: CallRecord | undefined;
  await until(
    () => {
      found = world.tg.calls.slice(from).find(match);
      return found !== undefined;
    },
    5_000,
    'the sendMessage record',
  );
  return found as CallRecord;
}

export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(1);
  }
}
