import { describe, expect, it } from 'vitest';
import { inboxFileName, numberedFileName, safeBaseName } from '../../../src/telegram/inbound/file-name.ts';

const at = new Date(Date.UTC(2025, 0, 31, 9, 5, 7));

describe('inbox file names', () => {
  it('are timestamped YYYYMMDD-HHMMSS-<name>, the name kept when it is safe', () => {
    expect(inboxFileName('app.log', at)).toBe('20250131-090507-app.log');
    expect(inboxFileName('résumé final.pdf', at)).toBe('20250131-090507-résumé final.pdf');
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['/abs/path/x.txt', 'x.txt'],
    ['.bashrc', 'bashrc'],
    ['...hidden.tar.gz', 'hidden.tar.gz'],
    ['..', 'file'],
    ['', 'file'],
    ['   ', 'file'],
    ['trailing dot.', 'trailing dot'],
    ['line\nbreak\u0000\u0007.txt', 'line break.txt'],
    ['evil\u202Egnp.exe', 'evilgnp.exe'],
    ['a\u2066b\u2069c\u200Fd.txt', 'abcd.txt'],
    ['what?<x>|"y".md', 'what__x___y_.md'],
    ['tab\tand  spaces.txt', 'tab and spaces.txt'],
  ])('makes %j safe: %j', (original, safe) => {
    expect(safeBaseName(original, 'file')).toBe(safe);
  });

  it('uses the fallback when there is no name at all', () => {
    expect(inboxFileName(undefined, at, 'photo.jpg')).toBe('20250131-090507-photo.jpg');
  });

  it('bounds the length in bytes and keeps the extension', () => {
    const long = `${'ж'.repeat(300)}.pdf`;
    const safe = safeBaseName(long, 'file');
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(120);
    expect(safe.endsWith('.pdf')).toBe(true);
    expect(safe.startsWith('жжж')).toBe(true);
    const noExtension = safeBaseName('x'.repeat(500), 'file');
    expect(noExtension).toBe('x'.repeat(120));
    const hugeExtension = safeBaseName(`a.${'b'.repeat(300)}`, 'file');
    expect(Buffer.byteLength(hugeExtension)).toBeLessThanOrEqual(120);
    expect(Buffer.byteLength(inboxFileName(long, at))).toBeLessThan(255);
  });

  it('numbers a second file of the same name before its extension', () => {
    expect(numberedFileName('20250131-090507-a.txt', 2)).toBe('20250131-090507-a-2.txt');
    expect(numberedFileName('20250131-090507-passwd', 3)).toBe('20250131-090507-passwd-3');
  });
});
