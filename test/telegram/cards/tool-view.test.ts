// What a tool call will do, as the approval card shows it (the card around it: approval-card.test.ts).
import { describe, expect, it } from 'vitest';
import {
  compactJson,
  displayPath,
  fullText,
  inputSummary,
  toolView,
} from '../../../src/telegram/cards/tool-view.ts';
import { checkTelegramHtml } from '../../fakes/telegram/index.ts';

const dir = '/data/sessions/work';
/** The view as the owner reads it; Telegram must accept its HTML. */
const text = (html: string): string => {
  const checked = checkTelegramHtml(html, 'text');
  if (!checked.ok) throw new Error(`Telegram would refuse: ${checked.description}\n${html}`);
  return checked.text;
};

describe('displayPath', () => {
  it('relative inside the session directory, absolute outside it or at its root', () => {
    expect(displayPath(`${dir}/src/a.ts`, dir)).toBe('src/a.ts');
    expect(displayPath('src/a.ts', dir)).toBe('src/a.ts');
    expect(displayPath(`${dir}/../other/x`, dir)).toBe('/data/sessions/other/x');
    expect(displayPath('/etc/hosts', dir)).toBe('/etc/hosts');
    expect(displayPath(dir, dir)).toBe(dir);
  });
});

describe('toolView', () => {
  it('Bash: the description above the command; a command over the limit is cut and says how long it was', () => {
    const short = toolView('Bash', { command: 'ls -la', description: 'List' }, dir);
    expect(short.trimmed).toBeUndefined();
    expect(text(short.html)).toBe('List\nls -la');
    const long = toolView('Bash', { command: 'y'.repeat(250) }, dir, 100);
    expect(long.trimmed).toEqual({ total: 250 });
    expect(text(long.html)).toBe(`${'y'.repeat(99)}…`);
  });

  it('a command that itself ends with … is not taken for a trimmed one', () => {
    expect(toolView('Bash', { command: 'echo wait…' }, dir).trimmed).toBeUndefined();
  });

  it('Edit with replace_all says every occurrence is changed', () => {
    const view = toolView(
      'Edit',
      { file_path: 'a.ts', old_string: 'x', new_string: 'y', replace_all: true },
      dir,
    );
    expect(view.title).toBe('Edit a.ts');
    expect(text(view.html)).toBe('a.ts +1 −1 (every occurrence)\n- x\n+ y');
  });

  it('NotebookEdit shows the notebook path and the new cell source', () => {
    const view = toolView('NotebookEdit', { notebook_path: `${dir}/n.ipynb`, new_source: 'print(1)' }, dir);
    expect(text(view.html)).toBe('n.ipynb +1 −0\n+ print(1)');
  });

  it('Grep without a path searches the session directory', () => {
    expect(text(toolView('Grep', { pattern: 'a<b' }, dir).html)).toBe('pattern a<b under .');
  });

  it('a tool it does not know shows its input as compact JSON', () => {
    const view = toolView('Task', { description: 'x', nested: { a: [1, 2] } }, dir);
    expect(text(view.html)).toBe('{"description":"x","nested":{"a":[1,2]}}');
  });

  it('an MCP tool names its server and tool; the input is made visible', () => {
    const view = toolView('mcp__home__lights_off', { room: 'hall\u202E' }, dir);
    expect(text(view.html)).toBe('MCP server home, tool lights_off\n{"room":"hall⟨U+202E⟩"}');
  });
});

describe('compactJson, fullText, inputSummary', () => {
  it('compactJson cuts long input and survives input JSON cannot write', () => {
    expect(compactJson({ a: 'x'.repeat(100) }, 20)).toBe('{"a":"xxxxxxxxxxxxx…');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(compactJson(loop)).toBe('[object Object]');
  });

  it('fullText is the whole command for Bash, the whole input otherwise, made visible', () => {
    expect(fullText('Bash', { command: 'a\u001bb' })).toBe('a␛b');
    expect(fullText('Task', { a: 1 })).toBe('{\n  "a": 1\n}');
  });

  it('inputSummary names the URL or the query when there is no command or path', () => {
    expect(inputSummary('WebFetch', { url: 'https://example.com', prompt: 'p' })).toBe('https://example.com');
    expect(inputSummary('WebSearch', { query: 'grammY\nkeyboards' })).toBe('grammY keyboards');
    expect(inputSummary('NotebookEdit', { notebook_path: 'n.ipynb' })).toBe('n.ipynb');
  });
});
