/**
 * The chaos run's bookkeeping: what became of each message the owner sent (answered once, twice,
 * told why not, lost), and the kills the run deals out.
 */
import { claudeProcesses, OWNER_ID, type World } from './harness.ts';

const chat = OWNER_ID;

export async function killClaudes(world: World): Promise<number> {
  const running = await claudeProcesses(world.home);
  for (const { pid } of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return running.length;
}

/** SIGKILLs the bot's process group, and the Claude Code processes it leaves behind. */
export async function killBot(world: World): Promise<void> {
  const bot = world.bot;
  try {
    if (bot?.child.pid) process.kill(-bot.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await bot?.exited;
  await killClaudes(world);
}

/** What became of one scenario's messages. */
export interface ChaosRow {
  scenario: string;
  sent: number;
  answeredOnce: number;
  /** Not answered, but the chat was told why. */
  told: number;
  lost: number;
  answeredTwice: number;
}

/** A scenario's messages, counted once the whole run is over (so a late second answer shows). */
export interface ScenarioResult {
  scenario: string;
  texts: string[];
  /** How many unanswered messages a bot notice accounts for (0: not a notice), besides those quoting one. */
  told?: (message: string) => number;
  /** What the owner was expected to hear and did not, or anything else that went wrong. */
  problems: string[];
}

export const answerTo = (text: string) => `You said: ${text}`;

/** Bot texts so far: sent messages, and every text an edit or draft showed on the way. */
export function botTexts(world: World): string[] {
  const shown = world.tg.calls
    .filter((call) => call.status === 200 && typeof call.params.text === 'string')
    .filter((call) => /^(sendMessage|editMessageText|sendMessageDraft)$/.test(call.method))
    .map((call) => call.params.text as string);
  return [...world.tg.messages(chat).map((message) => message.text), ...shown];
}

/**
 * Counts `texts` (messages the owner sent): answered once (the echo script's answer), twice, told
 * why not (a bot message quoting it, or one of the `told` notices, each accounting for its messages),
 * or lost.
 */
/** The texts `countAnswers` counts as lost. */
export function lostTexts(
  world: World,
  texts: readonly string[],
  told?: (message: string) => number,
): string[] {
  return texts.filter(
    (_, i) =>
      countAnswers(world, '', texts.slice(0, i + 1), told).lost >
      countAnswers(world, '', texts.slice(0, i), told).lost,
  );
}

export function countAnswers(
  world: World,
  scenario: string,
  texts: readonly string[],
  told: (message: string) => number = () => 0,
): ChaosRow {
  const messages = world.tg.messages(chat).map((message) => message.text);
  let notices = messages.reduce((sum, message) => sum + told(message), 0);
  const row: ChaosRow = { scenario, sent: texts.length, answeredOnce: 0, told: 0, lost: 0, answeredTwice: 0 };
  for (const text of texts) {
    const answers = messages.filter((message) => message === answerTo(text)).length;
    if (answers === 1) row.answeredOnce += 1;
    else if (answers > 1) row.answeredTwice += 1;
    else if (messages.some((message) => message.includes(`“${text}”`))) row.told += 1;
    else if (notices > 0) {
      notices -= 1;
      row.told += 1;
    } else row.lost += 1;
  }
  return row;
}
