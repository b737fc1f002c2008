// Session names that try to leave the sessions directory, hide what they are, or pass for another.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { CaseGroup, HostileCase } from './probe.ts';

/** SPEC.md's naming rule as the owner reads it (copy/sessions.ts). */
export const NAME_RULE_REPLY =
  'Session names are 1–32 letters, digits, - or _, starting with a letter or digit.';

/** Latin `alpha` exists (created before the table); these must never reach or clobber it. */
export const CYRILLIC_ALPHA = '\u0430lpha';

const newWith = (label: string, name: string): HostileCase => ({
  name: `/new ${label}`,
  input: (p) => p.owner(`/new ${name}`),
  expect: { reply: NAME_RULE_REPLY },
});

const switchTo = (label: string, name: string): HostileCase => ({
  name: `/session ${label}`,
  input: (p) => p.owner(`/session ${name}`),
  expect: { reply: NAME_RULE_REPLY },
});

const PATH_TRICKS: Array<[string, string]> = [
  ['../x', '../x'],
  ['/etc', '/etc'],
  ['a/b', 'a/b'],
  ['.', '.'],
  ['..', '..'],
  ['~root', '~root'],
  ['NUL inside', 'a\u0000b'],
  ['%2e%2e', '%2e%2e'],
  ['..%2f..%2fetc', '..%2f..%2fetc'],
  ['a leading dash', '-rf'],
  ['a backslash path', '..\\..\\x'],
];

export const nameGroups: CaseGroup[] = [
  {
    name: 'session names with path tricks',
    cases: [
      ...PATH_TRICKS.map(([label, name]) => newWith(label, name)),
      ...PATH_TRICKS.slice(0, 6).map(([label, name]) => switchTo(label, name)),
    ],
  },
  {
    name: 'control, bidi, over-long and look-alike names',
    cases: [
      newWith('with U+202E (right-to-left override)', '\u202Eevil'),
      newWith('with a zero-width space', 'ab\u200Bc'),
      newWith('with a bell', 'a\u0007b'),
      newWith('with a terminal escape', 'a\u001b[2Jb'),
      newWith('of 33 characters', 'x'.repeat(33)),
      newWith('of 4000 characters', 'n'.repeat(4000)),
      {
        ...newWith("with a Cyrillic 'а' (alpha exists in Latin)", CYRILLIC_ALPHA),
        after: (p) => {
          const metadata = JSON.parse(readFileSync(p.sessionPath('alpha', 'metadata.json'), 'utf8'));
          expect(metadata).toMatchObject({ name: 'alpha', persona: 'default' });
        },
      },
      switchTo("with a Cyrillic 'а'", CYRILLIC_ALPHA),
      switchTo('with U+202E', '\u202Eevil'),
      switchTo('of 33 characters', 'x'.repeat(33)),
      {
        name: '/new with a persona that is a path',
        input: (p) => p.owner('/new beta ../../etc/passwd'),
        expect: { reply: /^Persona '\.\.\/\.\.\/etc\/passwd' doesn't exist\. Available personas:\n• / },
      },
      {
        name: '/archive ../x',
        input: (p) => p.owner('/archive ../x'),
        expect: { reply: /^'\.\.\/x' is not a session name: nothing archived\./ },
      },
      {
        name: '/archive with U+202E: shown, not obeyed by the display',
        input: (p) => p.owner('/archive \u202Eevil'),
        expect: { reply: /^'⟨U\+202E⟩evil' is not a session name: nothing archived\./ },
      },
    ],
  },
];
