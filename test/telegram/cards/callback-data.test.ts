import { describe, expect, it } from 'vitest';
import {
  callbackData,
  MAX_CALLBACK_DATA_BYTES,
  newCardId,
  parseCallbackData,
} from '../../../src/telegram/cards/callback-data.ts';

describe('card callback data', () => {
  it('ids are 16 base64url characters and differ each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, newCardId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('round-trips and fits in 64 bytes', () => {
    const id = newCardId();
    for (const action of ['a', 's', 'd', 'f', 'o3.3', 'done', 'pk']) {
      const data = callbackData(id, action);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
      expect(parseCallbackData(data)).toEqual({ id, action });
    }
  });

  it('refuses what is not a card press', () => {
    for (const data of [
      'p:short:a',
      'x:AAAAAAAAAAAAAAAA:a',
      'p:AAAAAAAAAAAAAAAA:',
      'p:AAAAAAAAAAAAAAAA:A',
      'p:AAAAAAAAAAAAAAAA:a:b',
    ]) {
      expect(parseCallbackData(data)).toBeUndefined();
    }
    expect(() => callbackData('AAAAAAAAAAAAAAAA', 'Bash(rm -rf /)')).toThrow();
  });
});
