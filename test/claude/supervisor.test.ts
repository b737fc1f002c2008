/** What follows the death of a Claude Code process: which notice, restart or not, and how soon. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProcessDeath } from '../../src/claude/events.ts';
import { TurnQueue } from '../../src/claude/queue.ts';
import { CrashSupervisor, deathOf } from '../../src/claude/supervisor.ts';

const killed: ProcessDeath = { exitCode: null, signal: 'SIGKILL', cause: undefined };

/** A queue with `inFlight` being answered and `waiting` behind it, as [content, origin] pairs. */
function queueOf(inFlight: [string, number] | undefined, ...waiting: Array<[string, number]>): TurnQueue {
  const queue = new TurnQueue();
  if (inFlight) {
    queue.add(...inFlight);
    queue.startNext();
  }
  for (const message of waiting) queue.add(...message);
  return queue;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CrashSupervisor.afterDeath', () => {
  it('restarts and re-sends the message in flight, telling its sender it will be answered', () => {
    const queue = queueOf(['slow', 7], ['after', 7]);
    const plan = new CrashSupervisor().afterDeath(killed, queue);
    expect(plan.notices).toEqual([{ error: { kind: 'process_restarting', death: killed }, origin: 7 }]);
    expect(plan.restart).toEqual({ delayMs: 250, resend: expect.objectContaining({ content: 'slow' }) });
    expect(queue.busy).toBe(false);
    expect(queue.length).toBe(1);
  });

  it('restarts without re-sending a message Claude had asked tools for', () => {
    const queue = queueOf(['clean up old backups', 7]);
    queue.toolAsked();
    const plan = new CrashSupervisor().afterDeath(killed, queue);
    expect(plan.notices).toEqual([
      { error: { kind: 'process_restarting_after_tools', death: killed }, origin: 7 },
    ]);
    expect(plan.restart).toEqual({ delayMs: 250, resend: undefined });
  });

  it('restarts when no message was in flight, and says so', () => {
    const plan = new CrashSupervisor().afterDeath(killed, queueOf(undefined));
    expect(plan).toEqual({
      notices: [{ error: { kind: 'process_restarted', death: killed }, origin: undefined }],
      restart: { delayMs: 250, resend: undefined },
    });
  });

  it('waits twice as long after each death in the window, whatever finished in between', () => {
    const supervisor = new CrashSupervisor({ maxRestarts: 5 });
    const delays = () => supervisor.afterDeath(killed, queueOf(undefined)).restart?.delayMs;
    expect([delays(), delays(), delays()]).toEqual([250, 500, 1000]);
  });

  it('restarts 3 times in 10 minutes; the fourth death in them gives up, and the count starts over', () => {
    let now = 0;
    const supervisor = new CrashSupervisor({ now: () => now });
    const die = (at: number, queue = queueOf(undefined)) => {
      now = at;
      return supervisor.afterDeath(killed, queue);
    };
    expect(die(0).restart).toBeDefined();
    expect(die(60_000).restart).toBeDefined();
    expect(die(120_000).restart).toBeDefined();
    // The first death is 10 minutes old by now: three in the window, so a restart.
    expect(die(600_000).restart).toBeDefined();
    const plan = die(601_000, queueOf(['one', 1], ['two', 2], ['three', 1]));
    expect(plan.restart).toBeUndefined();
    const gaveUp = { kind: 'process_gave_up', death: killed, crashes: 4, windowMs: 600_000 };
    expect(plan.notices).toEqual([
      { error: { ...gaveUp, unanswered: 2 }, origin: 1 },
      { error: { ...gaveUp, unanswered: 1 }, origin: 2 },
    ]);
    expect(die(602_000).restart).toEqual({ delayMs: 250, resend: undefined });
  });

  it('gives up with one notice for no one in particular when nothing waited', () => {
    const plan = new CrashSupervisor({ maxRestarts: 0, windowMs: 1000 }).afterDeath(
      killed,
      queueOf(undefined),
    );
    expect(plan).toEqual({
      notices: [
        {
          error: { kind: 'process_gave_up', death: killed, unanswered: 0, crashes: 1, windowMs: 1000 },
          origin: undefined,
        },
      ],
    });
  });
});

describe('CrashSupervisor.schedule', () => {
  it('starts after the delay, unless cancelled first', () => {
    vi.useFakeTimers();
    const supervisor = new CrashSupervisor();
    const start = vi.fn();
    supervisor.schedule(start, 250);
    vi.advanceTimersByTime(249);
    expect(start).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(start).toHaveBeenCalledOnce();

    supervisor.schedule(start, 250);
    supervisor.cancel();
    vi.advanceTimersByTime(1000);
    expect(start).toHaveBeenCalledOnce();
  });

  it('starts at once without a delay', () => {
    const start = vi.fn();
    new CrashSupervisor().schedule(start, 0);
    expect(start).toHaveBeenCalledOnce();
  });
});

describe('deathOf', () => {
  it("keeps the exit and the first line of the SDK's error", () => {
    expect(
      deathOf({ code: 1, signal: null }, new Error('Claude Code process exited with code 1\n    at x')),
    ).toEqual({
      exitCode: 1,
      signal: null,
      cause: 'Claude Code process exited with code 1',
    });
    expect(deathOf(undefined, undefined)).toEqual({ exitCode: null, signal: null, cause: undefined });
  });
});
