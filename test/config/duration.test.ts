import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.ts';

describe('parseDuration', () => {
  it('reads seconds, minutes and hours', () => {
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration(' 2h ')).toBe(7_200_000);
  });

  it('reads 0 alone, and refuses other bare numbers and other text', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('10')).toBeUndefined();
    expect(parseDuration('10 m')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});
