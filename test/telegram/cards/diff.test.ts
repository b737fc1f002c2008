import { describe, expect, it } from 'vitest';
import { shortDiff } from '../../../src/telegram/cards/diff.ts';

describe('shortDiff', () => {
  it('counts and shows only the changed lines', () => {
    const before = 'a\nb\nc\nd';
    const after = 'a\nB\nc\nd\ne\nf';
    expect(shortDiff([{ before, after }])).toEqual({
      added: 3,
      removed: 1,
      lines: ['- b', '+ B', '+ e', '+ f'],
      hidden: 0,
    });
  });

  it('a new file is all additions; a deletion all removals', () => {
    expect(shortDiff([{ before: '', after: 'x\ny' }])).toMatchObject({ added: 2, removed: 0 });
    expect(shortDiff([{ before: 'x\ny', after: '' }])).toMatchObject({ added: 0, removed: 2 });
  });

  it('joins several edits and caps the lines shown and their length', () => {
    const many = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const diff = shortDiff(
      [
        { before: 'old', after: 'new' },
        { before: '', after: many },
      ],
      { maxLines: 5, maxLineLength: 6 },
    );
    expect(diff).toMatchObject({ added: 31, removed: 1, hidden: 27 });
    expect(diff.lines).toEqual(['- old', '+ new', '+ lin…', '+ lin…', '+ lin…']);
  });

  it('falls back to whole blocks when the middle is too big to diff line by line', () => {
    const before = Array.from({ length: 600 }, (_, i) => `a${i}`).join('\n');
    const after = Array.from({ length: 600 }, (_, i) => `b${i}`).join('\n');
    expect(shortDiff([{ before, after }])).toMatchObject({ added: 600, removed: 600 });
  });
});
