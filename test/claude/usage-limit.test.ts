import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import { TurnQueue } from '../../src/claude/queue.ts';
import {
  holdQueue,
  isUsageLimitText,
  UNKNOWN_RESET_RETRY_MS,
  UsageHold,
  usageLimitOf,
} from '../../src/claude/usage-limit.ts';
import { ManualClock } from '../telegram/manual-clock.ts';

const rateLimitEvent = (status: string, resetsAt?: number) =>
  ({
    type: 'rate_limit_event',
    rate_limit_info: { status, resetsAt },
    uuid: 'u',
    session_id: 's',
  }) as unknown as SDKMessage;

describe('usageLimitOf', () => {
  it('reads a rejected rate_limit_event, with its reset in ms', () => {
    expect(usageLimitOf(rateLimitEvent('rejected', 1_800_000_000))).toEqual({ resetsAt: 1_800_000_000_000 });
    expect(usageLimitOf(rateLimitEvent('allowed_warning', 1_800_000_000))).toBeUndefined();
  });

  it("knows Claude Code's usage-limit texts, in an errored assistant message or an error result", () => {
    const assistant = {
      type: 'assistant',
      error: 'rate_limit',
      parent_tool_use_id: null,
      message: { content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 4:02pm (UTC)" }] },
    } as unknown as SDKMessage;
    expect(usageLimitOf(assistant)).toEqual({ resetsAt: undefined });
    const result = {
      type: 'result',
      subtype: 'success',
      is_error: true,
      result: 'Rate limited (429)',
    } as unknown as SDKMessage;
    expect(usageLimitOf(result)).toBeUndefined();
    expect(isUsageLimitText("You're out of extra usage")).toBe(true);
    expect(isUsageLimitText('API Error: Request rejected (429)')).toBe(false);
  });
});

describe('UsageHold', () => {
  it('lifts at the reset, once', () => {
    const clock = new ManualClock();
    let lifted = 0;
    const hold = new UsageHold(clock, () => lifted++);
    hold.start(clock.now() + 60_000);
    expect(hold.active).toBe(true);
    clock.advance(59_999);
    expect(lifted).toBe(0);
    clock.advance(1);
    expect(lifted).toBe(1);
    expect(hold.active).toBe(false);
  });

  it('without a known reset, tries again after a while; a cancel lifts nothing', () => {
    const clock = new ManualClock();
    let lifted = 0;
    const hold = new UsageHold(clock, () => lifted++);
    expect(hold.start(undefined)).toBe(clock.now() + UNKNOWN_RESET_RETRY_MS);
    hold.cancel();
    clock.advance(UNKNOWN_RESET_RETRY_MS);
    expect(lifted).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});

describe('holdQueue', () => {
  it('puts the message that hit the limit back first, unless Claude had used tools for it', () => {
    const clock = new ManualClock();
    const queue = new TurnQueue();
    queue.add('first', 1);
    queue.add('second', 1);
    queue.startNext();
    const event = holdQueue(queue, new UsageHold(clock, () => {}), clock.now() + 1000);
    expect(event).toMatchObject({ type: 'usage_limit', held: 2, resending: true, resetKnown: true });
    expect(queue.startNext()?.content).toBe('first');

    const withTools = new TurnQueue();
    withTools.add('deploy', 1);
    withTools.startNext();
    withTools.toolAsked();
    expect(holdQueue(withTools, new UsageHold(clock, () => {}), undefined)).toMatchObject({
      held: 0,
      resending: false,
      resetKnown: false,
    });
  });
});
