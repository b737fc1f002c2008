import { describe, expect, it } from 'vitest';
import { invalidNameMessage, isValidName } from '../../src/sessions/names.ts';

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

  it('explains the rule in the refusal', () => {
    expect(invalidNameMessage('../x')).toBe(
      "'../x' is not a valid session name: use 1–32 letters, digits, - or _, starting with a letter or digit.",
    );
    expect(invalidNameMessage('a b', 'persona')).toMatch(/^'a b' is not a valid persona name/);
  });
});
