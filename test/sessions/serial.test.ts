import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from '../../src/sessions/serial.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedSerializer', () => {
  it('runs tasks of one key one at a time, in the order they were queued', async () => {
    const serializer = new KeyedSerializer();
    const order: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const task = (label: string) => async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      order.push(`start ${label}`);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(`end ${label}`);
      running--;
      return label;
    };

    const results = await Promise.all(['a', 'b', 'c'].map((label) => serializer.run('file', task(label))));

    expect(results).toEqual(['a', 'b', 'c']);
    expect(mostAtOnce).toBe(1);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets another key run while one key is busy', async () => {
    const serializer = new KeyedSerializer();
    const blocker = deferred();
    const slow = serializer.run('one', () => blocker.promise.then(() => 'slow'));
    const fast = await serializer.run('two', async () => 'fast');
    expect(fast).toBe('fast');
    blocker.resolve();
    expect(await slow).toBe('slow');
  });

  it('keeps going after a task fails, and hands the failure to its own caller', async () => {
    const serializer = new KeyedSerializer();
    const failing = serializer.run('file', async () => {
      throw new Error('disk full');
    });
    const next = serializer.run('file', async () => 'fine');
    await expect(failing).rejects.toThrow('disk full');
    expect(await next).toBe('fine');
  });
});
