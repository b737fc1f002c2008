import { describe, expect, it } from 'vitest';
import { isValidName, NAME_PATTERN } from '../../src/sessions/names.ts';

describe('session and persona names', () => {
  it.each(['a', 'Z', '7', 'test-session', 'second', 'my_project-2', 'x'.repeat(32)])('accepts %j', (name) => {
    expect(isValidName(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['33 characters', 'x'.repeat(33)],
    ['path traversal', '../x'],
    ['a parent directory', '..'],
    ['a hidden file', '.x'],
    ['a slash', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a leading dash', '-rf'],
    ['a leading underscore', '_x'],
    ['a space', 'my session'],
    ['a trailing newline', 'abc\n'],
    ['a dot', 'v1.2'],
    ['unicode letters', 'café'],
    ['full-width letters', 'ａｂｃ'],
    ['an emoji', 'a🙂'],
  ])('rejects %s', (_label, name) => {
    expect(isValidName(name)).toBe(false);
  });

  it("is SPEC.md's pattern, anchored at both ends", () => {
    expect(NAME_PATTERN.source).toBe('^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$');
  });
});
