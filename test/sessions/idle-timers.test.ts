/** The idle clock of each live session: when it runs out, and what keeps a session awake. */
import { describe, expect, it } from 'vitest';
import { IdleTimers } from '../../src/sessions/idle-timers.ts';
import { ManualClock } from '../telegram/manual-clock.ts';
import { captureLogger } from './helpers.ts';

const MINUTE = 60_000;

function setup(defaultTimeoutMs = 10 * MINUTE) {
  const clock = new ManualClock();
  const busy = new Set<string>();
  const suspended: Array<{ name: string; idleFor: number }> = [];
  const timers = new IdleTimers({
    clock,
    defaultTimeoutMs,
    hasWork: (name) => busy.has(name),
    suspend: (name, lastActivity) => suspended.push({ name, idleFor: clock.now() - lastActivity }),
    logger: captureLogger().logger,
  });
  return { clock, busy, suspended, timers };
}

describe('IdleTimers', () => {
  it('suspends a session idle for the default timeout, once', () => {
    const { clock, suspended, timers } = setup();
    timers.watch('work', undefined);
    clock.advance(10 * MINUTE - 1);
    expect(suspended).toEqual([]);
    clock.advance(1);
    expect(suspended).toEqual([{ name: 'work', idleFor: 10 * MINUTE }]);
    clock.advance(60 * MINUTE);
    expect(suspended).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('starts counting again at every activity', () => {
    const { clock, suspended, timers } = setup();
    timers.watch('work', undefined);
    clock.advance(9 * MINUTE);
    timers.activity('work');
    clock.advance(9 * MINUTE);
    expect(suspended).toEqual([]);
    expect(timers.lastActivity('work')).toBe(clock.now() - 9 * MINUTE);
    clock.advance(MINUTE);
    expect(suspended.map((s) => s.name)).toEqual(['work']);
  });

  it('never suspends while a turn runs or messages wait; the turn ending starts the count', () => {
    const { busy, clock, suspended, timers } = setup();
    timers.watch('work', undefined);
    busy.add('work');
    clock.advance(30 * MINUTE);
    expect(suspended).toEqual([]);
    busy.delete('work');
    timers.activity('work'); // the turn's `completed`
    clock.advance(10 * MINUTE);
    expect(suspended).toHaveLength(1);
  });

  it('never suspends while held awake (a permission prompt is open); releasing twice is harmless', () => {
    const { clock, suspended, timers } = setup();
    timers.watch('work', undefined);
    const release = timers.hold('work');
    const other = timers.hold('work');
    clock.advance(60 * MINUTE);
    release();
    release();
    clock.advance(60 * MINUTE);
    expect(suspended).toEqual([]);
    other();
    clock.advance(10 * MINUTE);
    expect(suspended).toHaveLength(1);
  });

  it("uses the session's own timeout, and 0 means never", () => {
    const { clock, suspended, timers } = setup();
    timers.watch('quick', 1);
    timers.watch('forever', 0);
    clock.advance(MINUTE);
    expect(suspended.map((s) => s.name)).toEqual(['quick']);
    clock.advance(24 * 60 * MINUTE);
    expect(suspended).toHaveLength(1);
    // Idle for longer than its new timeout already: suspended at once.
    timers.setTimeoutMinutes('forever', 2);
    clock.advance(0);
    expect(suspended.map((s) => s.name)).toEqual(['quick', 'forever']);
  });

  it('a default of 0 never suspends; a stopped session has no timer', () => {
    const never = setup(0);
    never.timers.watch('work', undefined);
    never.clock.advance(24 * 60 * MINUTE);
    expect(never.suspended).toEqual([]);

    const { clock, suspended, timers } = setup();
    timers.watch('work', undefined);
    timers.unwatch('work');
    timers.activity('work');
    clock.advance(60 * MINUTE);
    expect(suspended).toEqual([]);
    expect(clock.pending()).toBe(0);
  });
});
