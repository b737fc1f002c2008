import { describe, expect, it } from 'vitest';
import { visible } from '../../../src/telegram/cards/visible.ts';

describe('visible', () => {
  it('shows terminal escape sequences and control characters as control pictures', () => {
    expect(visible('ls\u001b[2J\u001b[1;1Hrm -rf /')).toBe('ls␛[2J␛[1;1Hrm -rf /');
    expect(visible('a\rb\u0000c\u0007d\u007f')).toBe('a␍b␀c␇d␡');
  });

  it('keeps newlines, tabs and ordinary text, emoji and other scripts', () => {
    expect(visible('a\n\tb 😀 日本語 ünï')).toBe('a\n\tb 😀 日本語 ünï');
  });

  it('marks bidi overrides and isolates, invisible characters and tag characters', () => {
    expect(visible('rm \u202Etxt.exe')).toBe('rm ⟨U+202E⟩txt.exe');
    expect(visible('\u2066x\u2069\u200By\uFEFF')).toBe('⟨U+2066⟩x⟨U+2069⟩⟨U+200B⟩y⟨U+FEFF⟩');
    expect(visible('a\u0085b')).toBe('a⟨U+0085⟩b');
    expect(visible('hi\u{E0041}')).toBe('hi⟨U+E0041⟩');
  });

  it('replaces a lone surrogate, which Telegram could not encode', () => {
    expect(visible('a\uD800b')).toBe('a\uFFFDb');
  });
});
