/** The progress line the owner sees for each tool Claude uses. */
import { describe, expect, it } from 'vitest';
import { summarizeTool, toolProgressLine } from '../../../src/telegram/copy/tools.ts';

describe('summarizeTool', () => {
  it.each([
    ['Read', { file_path: '/home/me/project/config.json' }, 'Reading config.json'],
    ['Write', { file_path: 'notes.md', content: '…' }, 'Writing notes.md'],
    ['Edit', { file_path: '/srv/src/app.ts', old_string: 'a', new_string: 'b' }, 'Editing app.ts (+1 −1)'],
    [
      'MultiEdit',
      {
        file_path: 'src/app.ts',
        edits: [
          { old_string: 'a', new_string: 'b\nc\nd' },
          { old_string: 'e', new_string: '' },
        ],
      },
      'Editing app.ts (+3 −2)',
    ],
    ['Bash', { command: 'npm test' }, 'Running: npm test'],
    ['Grep', { pattern: 'foo' }, 'Searching for "foo"'],
    ['Glob', { pattern: '**/*.ts' }, 'Finding files **/*.ts'],
    ['WebFetch', { url: 'https://example.com/docs/page', prompt: 'x' }, 'Fetching example.com'],
    ['WebSearch', { query: 'proxmox backup' }, 'Searching the web for "proxmox backup"'],
    ['Task', { description: 'Explore the repo', prompt: '…' }, 'Delegating: Explore the repo'],
    ['mcp__telegram__send_file', { path: 'x' }, 'Using send_file (telegram)'],
    ['SomethingNew', {}, 'Using SomethingNew'],
  ])('%s → %s', (name, input, expected) => {
    expect(summarizeTool(name, input)).toBe(expected);
  });

  it('cuts long commands to one short line', () => {
    const summary = summarizeTool('Bash', {
      command: `for f in *.log;\n do gzip "$f"; done && ${'x'.repeat(200)}`,
    });
    expect(summary.startsWith('Running: for f in *.log; do gzip "$f"; done')).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(70);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('says "a file" when a file tool names none', () => {
    expect(summarizeTool('Read', {})).toBe('Reading a file');
  });
});

describe('toolProgressLine', () => {
  it('is the summary, still going', () => {
    expect(toolProgressLine('Read', { file_path: '/srv/app/config.json' })).toBe('Reading config.json…');
  });
});
