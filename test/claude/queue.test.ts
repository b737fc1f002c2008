/** The order of a session's messages, and which message (and so which chat) each turn belongs to. */
import { describe, expect, it } from 'vitest';
import { TurnQueue } from '../../src/claude/queue.ts';

describe('TurnQueue', () => {
  it('hands out one message at a time, in the order they came', () => {
    const queue = new TurnQueue();
    queue.add('one', 1);
    queue.add('two', 2);
    expect(queue.startNext()?.content).toBe('one');
    expect(queue.startNext()).toBeUndefined(); // 'one' is still being answered
    expect(queue.busy).toBe(true);
    expect(queue.length).toBe(1);
    queue.finishTurn();
    expect(queue.startNext()?.content).toBe('two');
    queue.finishTurn();
    expect(queue.startNext()).toBeUndefined();
    expect(queue.busy).toBe(false);
  });

  it("attributes the turn to the sender of the message in flight, and lists every sender's place", () => {
    const queue = new TurnQueue();
    queue.add('from the private chat', 1001);
    queue.add('from the group', -2002);
    expect(queue.turnOrigin).toBeUndefined();
    queue.startNext();
    expect(queue.turnOrigin).toBe(1001);
    expect(queue.origins).toEqual([1001, -2002]);
  });

  it('remembers that tools were asked for the message in flight, and not for the next', () => {
    const queue = new TurnQueue();
    queue.add('clean up', 1);
    queue.add('after', 1);
    queue.toolAsked(); // nothing in flight yet: nothing to mark
    queue.startNext();
    queue.toolAsked();
    const lost = queue.takeInFlight();
    expect(lost).toMatchObject({ content: 'clean up', toolsAsked: true });
    expect(queue.startNext()?.toolsAsked).toBeUndefined();
  });

  it('puts a message its process lost back first, so the next process answers it before the rest', () => {
    const queue = new TurnQueue();
    queue.add('slow', 1);
    queue.add('after', 1);
    queue.startNext();
    const lost = queue.takeInFlight();
    expect(queue.busy).toBe(false);
    if (lost) queue.putFirst(lost);
    expect(queue.startNext()?.content).toBe('slow');
  });

  it('drops what waits, or everything on clear', () => {
    const queue = new TurnQueue();
    queue.add('a', 1);
    queue.add('b', 2);
    queue.add('c', 2);
    queue.startNext();
    expect(queue.dropWaiting().map((message) => message.content)).toEqual(['b', 'c']);
    expect(queue.busy).toBe(true);
    queue.clear();
    expect(queue.busy).toBe(false);
    expect(queue.origins).toEqual([]);
  });

  it('joins text waiting from the same chat when asked to coalesce, never the message in flight', () => {
    const queue = new TurnQueue();
    queue.add('in flight', 1, true);
    expect(queue.startNext()?.content).toBe('in flight');
    queue.add('one', 1, true);
    queue.add('two', 1, true);
    queue.add('other chat', 2, true);
    queue.add('three', 1, true);
    queue.add('apart', 1);
    expect(queue.length).toBe(4);
    queue.finishTurn();
    expect(queue.startNext()?.content).toBe('one\ntwo');
    queue.finishTurn();
    expect(queue.startNext()?.content).toBe('other chat');
    queue.finishTurn();
    expect(queue.startNext()?.content).toBe('three');
  });

  it("carries each message's refs while it is queued: coalesced text keeps both, a message put first keeps its own", () => {
    const queue = new TurnQueue();
    queue.add('one', 1, true, [10]);
    queue.startNext();
    queue.add('two', 1, true, [11]);
    queue.add('three', 1, true, [12, 13]);
    queue.putFirst({ content: 'now', origin: 1, refs: [14] });
    expect(queue.turnRefs).toEqual([10]);
    expect(queue.queuedRefs).toEqual([10, 14, 11, 12, 13]);
    queue.finishTurn();
    expect(queue.startNext()?.refs).toEqual([14]);
    expect(queue.dropWaiting().map((message) => message.refs)).toEqual([[11, 12, 13]]);
    expect(queue.queuedRefs).toEqual([14]);
  });
});
