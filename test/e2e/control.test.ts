/**
 * Control from the chat, end to end with the real CLI: /stop (a streamed answer, a long Bash call
 * whose processes must go), `!`, /usage against what the fake model reported, Claude Code's own
 * commands forwarded, and a usage limit held and replayed.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Script } from '../fakes/anthropic/index.ts';
import { OWNER_ID, startWorld, type World, waitUntil, withRunningBot } from './harness.ts';

const chat = OWNER_ID;

/** The model: slow streams for `slow…`, a long Bash call for `long tool`, an echo otherwise. */
const script: Script = (turn) => {
  const text = turn.userText;
  if (text.startsWith('slow'))
    return { text, chunks: ['Once ', 'upon ', 'a ', 'time ', 'long ', 'ago'], chunkDelayMs: 2_000 };
  // The next message after an interrupted tool call carries that call's result too: only the tool's own turn reads it.
  if (text === 'long tool') {
    const [toolResult] = turn.toolResults;
    if (toolResult) return { text: `The tool said: ${toolResult.content}` };
    return {
      toolUse: {
        name: 'Bash',
        input: { command: '(setsid sleep 600 > /dev/null 2>&1 &); touch started && sleep 600' },
      },
    };
  }
  return { text: `You said: ${text}` };
};

/** Live processes whose command line is `sleep 600` and whose HOME is the world's. */
async function sleepsOf(home: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [cmdline, environ] = await Promise.all([
        readFile(`/proc/${entry}/cmdline`, 'utf8'),
        readFile(`/proc/${entry}/environ`, 'utf8'),
      ]);
      if (
        cmdline.split('\0').join(' ').trim() === 'sleep 600' &&
        environ.split('\0').includes(`HOME=${home}`)
      )
        found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const requestsFor = (world: World, text: string) =>
  world.model.requests.filter((request) => world.model.lastUserText(request) === text);

describe('control from the chat', () => {
  let world: World;

  withRunningBot(
    async (started) => {
      world = started;
      started.say('/stop');
      await started.tg.waitForMessage(chat, 'No active session. Use /new <name> to start one.');
      started.say('/new alpha');
      await started.tg.waitForMessage(chat, "Session 'alpha' created.");
    },
    { script },
  );

  it('/stop while idle has nothing to stop', async () => {
    world.say('/stop');
    await world.tg.waitForMessage(chat, 'Nothing to stop.');
  });

  it('/stop ends a long streamed answer, drops what waits, and the session answers the next message', async () => {
    world.say('slow story');
    await waitUntil(() => requestsFor(world, 'slow story').length > 0, 20_000);
    world.say('queued one');
    world.say('queued two');
    await new Promise((resolve) => setTimeout(resolve, 500));
    world.say('/stop');
    const stopped = await world.tg.waitForMessage(chat, 'Stopped.', { timeoutMs: 20_000 });
    expect(stopped.text).toContain('Dropped 2 queued message(s).');
    world.say('after stop');
    await world.tg.waitForMessage(chat, 'You said: after stop', { timeoutMs: 30_000 });
    expect(requestsFor(world, 'queued one')).toHaveLength(0);
    expect(requestsFor(world, 'queued two')).toHaveLength(0);
  });

  it('`!` interrupts the turn and is answered next, ahead of what waits', async () => {
    world.say('slow tale');
    await waitUntil(() => requestsFor(world, 'slow tale').length > 0, 20_000);
    world.say('patient');
    world.say('!urgent');
    await world.tg.waitForMessage(chat, 'You said: urgent', { timeoutMs: 30_000 });
    await world.tg.waitForMessage(chat, 'You said: patient', { timeoutMs: 30_000 });
    const order = world.model.requests.map((request) => world.model.lastUserText(request));
    expect(order.indexOf('urgent')).toBeLessThan(order.indexOf('patient'));
  });

  it('/usage shows the tokens the fake model reported, summed in metadata.json', async () => {
    const metadata = JSON.parse(
      await readFile(path.join(world.dataDir, 'sessions/alpha/metadata.json'), 'utf8'),
    );
    const usage = metadata.usage;
    expect(usage.turns).toBeGreaterThan(0);
    // Every main-loop request alpha made so far went into one of its turns, except the interrupted streams.
    const answered = world.model.requests.filter(
      (request) => !world.model.lastUserText(request).startsWith('slow') && request.reportedUsage,
    );
    const input = answered.reduce((sum, request) => sum + (request.reportedUsage?.inputTokens ?? 0), 0);
    const output = answered.reduce((sum, request) => sum + (request.reportedUsage?.outputTokens ?? 0), 0);
    expect(usage.input_tokens).toBe(input);
    expect(usage.output_tokens).toBe(output);
    expect(usage.cost_usd).toBeGreaterThan(0);
    world.say('/usage');
    const reply = await world.tg.waitForMessage(chat, 'Total:');
    expect(reply.text).toContain('• alpha:');
    expect(reply.text).toMatch(/\$\d+\.\d+/);
    world.say('/usage alpha');
    await world.tg.waitForMessage(chat, `Usage of 'alpha': `);
  });

  it('/compact goes to Claude Code and its output is shown; a command nobody knows is not sent', async () => {
    const before = world.model.requests.length;
    world.say('/frobnicate now');
    await world.tg.waitForMessage(chat, 'Unknown command /frobnicate. /help lists the commands.');
    expect(world.model.requests.length).toBe(before);
    world.say('/compact');
    await world.tg.waitForMessage(chat, 'Compacted', { timeoutMs: 30_000 });
    world.say('/cost');
    await world.tg.waitForMessage(chat, /cost/i, { timeoutMs: 30_000 });
  });
});

describe('/stop during a long Bash call', () => {
  it('ends the call and its sleep; the session answers the next message', async () => {
    const world = await startWorld({ script });
    try {
      // Tools run unasked in this persona, so the Bash call really runs. As root, Claude Code
      // starts in bypassPermissions only with IS_SANDBOX=1 (REFERENCE.md §4): set on purpose here.
      await mkdir(path.join(world.dataDir, 'personas'), { recursive: true });
      await writeFile(
        path.join(world.dataDir, 'personas', 'runner.json'),
        JSON.stringify({
          name: 'runner',
          description: 'runs tools unasked',
          system_prompt: 'Test persona.',
          settings: { permission_mode: 'bypassPermissions' },
        }),
      );
      await world.startBot({ IS_SANDBOX: '1' });
      world.say('/new worker runner');
      await world.tg.waitForMessage(chat, "Session 'worker' created with persona 'runner'.");
      world.say('long tool');
      await waitUntil(() => existsSync(path.join(world.dataDir, 'sessions/worker/started')), 30_000);
      await waitUntil(async () => (await sleepsOf(world.home)).length > 0, 10_000);
      world.say('/stop');
      await world.tg.waitForMessage(chat, 'Stopped.', { timeoutMs: 20_000 });
      expect(await sleepsOf(world.home)).toEqual([]);
      world.say('still alive?');
      await world.tg.waitForMessage(chat, 'You said: still alive?', { timeoutMs: 30_000 });
    } finally {
      await world.close();
    }
  }, 120_000);
});

describe('a usage limit', () => {
  it('holds the messages until the reset, then sends them', async () => {
    let resetsAt = 0;
    const world = await startWorld({
      script: (turn) => {
        const text = turn.userText;
        if (text === 'hit the limit' && resetsAt === 0) resetsAt = Math.ceil(Date.now() / 1000) + 6;
        if (Date.now() < resetsAt * 1000) return { usageLimit: { resetsAt } };
        return { text: `You said: ${text}` };
      },
    });
    try {
      // Claude Code reads the usage-limit headers only when signed in to a subscription.
      delete world.env.ANTHROPIC_API_KEY;
      world.env.CLAUDE_CODE_OAUTH_TOKEN = 'sk-ant-oat01-fake';
      await world.startBot();
      world.say('/new limited');
      await world.tg.waitForMessage(chat, "Session 'limited' created.");
      world.say('hit the limit');
      const notice = await world.tg.waitForMessage(chat, 'usage limit is reached', { timeoutMs: 30_000 });
      expect(notice.text).toContain('It resets at');
      expect(notice.replyMarkup?.inline_keyboard.flat().map((button) => button.text)).toContain('✖️ Cancel');
      world.say('meanwhile');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(requestsFor(world, 'meanwhile')).toHaveLength(0);
      await world.tg.waitForMessage(chat, 'sending the 2 held message(s)', { timeoutMs: 20_000 });
      await world.tg.waitForMessage(chat, 'You said: hit the limit', { timeoutMs: 30_000 });
      await world.tg.waitForMessage(chat, 'You said: meanwhile', { timeoutMs: 30_000 });
    } finally {
      await world.close();
    }
  }, 120_000);
});
