import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/telegram/render/index.ts';
import { debuggingAnswer, emojiAnswer, lookalikeAnswer, planAnswer } from './answers.ts';
import { covered, expectSendable } from './helpers.ts';

function renderOne(markdown: string) {
  const chunks = renderMarkdown(markdown);
  const [parsed] = expectSendable(chunks);
  expect(chunks).toHaveLength(1);
  if (!parsed) throw new Error('nothing rendered');
  return parsed;
}

describe('renderMarkdown: what Claude writes becomes Telegram formatting', () => {
  it('renders a debugging answer with a heading, inline code, a code block and a link with & in its URL', () => {
    const parsed = renderOne(debuggingAnswer);
    expect(parsed.text.startsWith('Why the build fails\n\n')).toBe(true);
    expect(covered(parsed, 'bold')).toEqual(['Why the build fails', 'Fix']);
    expect(covered(parsed, 'italic')).toEqual(['before']);
    expect(covered(parsed, 'code')).toEqual([
      'src/config.ts',
      'Map<string, Array<number>>',
      'parse_env_file',
      'undefined',
      'npm test',
    ]);
    const pre = parsed.entities.find((entity) => entity.type === 'pre');
    expect(pre?.language).toBe('typescript');
    expect(covered(parsed, 'pre')).toEqual([
      [
        'const values = parse_env_file(path);',
        'if (values === undefined || values.size < 1) {',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the TypeScript source Claude wrote
        '  throw new Error(`missing <${path}> & no defaults`);',
        '}',
      ].join('\n'),
    ]);
    const link = parsed.entities.find((entity) => entity.type === 'text_link');
    expect(link?.url).toBe('https://nodejs.org/api/fs.html?lang=en&v=20#fspromisesreadfile');
    expect(covered(parsed, 'text_link')).toEqual(['the docs']);
  });

  it('turns nested, numbered and task lists into indented lines, and a table into aligned columns', () => {
    const parsed = renderOne(planAnswer);
    const lines = parsed.text.split('\n');
    expect(lines).toContain('1. Back up the database');
    expect(lines).toContain('   • run pg_dump on db-1');
    expect(lines).toContain('2. Stop the services:');
    expect(lines).toContain('systemctl stop app.service && systemctl stop worker.service');
    expect(lines).toContain('3. Upgrade, then check:');
    expect(lines).toContain('   ☑ PostgreSQL 16 installed');
    expect(lines).toContain('   ☐ extensions rebuilt');
    expect(lines).toContain('      • postgis');
    expect(covered(parsed, 'code')).toEqual(['pg_dump', '/mnt/backup']);
    expect(covered(parsed, 'pre')[0]).toBe('systemctl stop app.service && systemctl stop worker.service');

    const quote = covered(parsed, 'blockquote');
    expect(quote).toEqual([
      "Note: the upgrade takes ~10 minutes; keep the old cluster until\nyou've verified the data.",
    ]);
    expect(lines).toContain('──────────');

    const table = covered(parsed, 'pre').find((text) => text.includes('Host'));
    expect(table?.split('\n')).toEqual([
      'Host       │  Role   │ Disk used',
      '───────────┼─────────┼──────────',
      'db-1       │ primary │      81 %',
      'db-2       │ replica │      79 %',
      'backup-nas │   pbs   │      12 %',
    ]);
  });

  it('leaves text that merely looks like Markdown or HTML exactly as written', () => {
    const parsed = renderOne(lookalikeAnswer);
    expect(parsed.text).toBe(lookalikeAnswer);
    expect(parsed.entities).toEqual([]);
  });

  it('keeps emoji, astral letters and joined emoji sequences intact', () => {
    const parsed = renderOne(emojiAnswer);
    expect(parsed.text).toContain('🚀 Deployed! All 3 services are up ✅');
    expect(parsed.text).toContain('• 🗄️ postgres: 𝒸𝓊𝓇𝓈𝒾𝓋𝑒 and 𝕕𝕠𝕦𝕓𝕝𝕖 letters, 家族 👨‍👩‍👧‍👦');
    expect(covered(parsed, 'bold')).toEqual(['Deployed!']);
    expect(covered(parsed, 'italic')).toEqual(['postgres']);
  });

  it('tolerates an unclosed code fence by running the code block to the end', () => {
    const parsed = renderOne('Here is the script:\n\n```python\nprint("a < b")\nif x & 1:\n    pass\n');
    expect(covered(parsed, 'pre')).toEqual(['print("a < b")\nif x & 1:\n    pass']);
  });

  it('combines bold, italic and strikethrough, and keeps code unformatted inside a bold heading', () => {
    const parsed = renderOne('### The `run()` method\n\n***very*** important, ~~old~~ **new _and_ better**');
    expect(parsed.text).toBe('The run() method\n\nvery important, old new and better');
    expect(covered(parsed, 'code')).toEqual(['run()']);
    expect(covered(parsed, 'bold')).toEqual(['The ', ' method', 'very', 'new and better']);
    expect(covered(parsed, 'italic')).toEqual(['very', 'and']);
    expect(covered(parsed, 'strikethrough')).toEqual(['old']);
  });

  it('shows only the text of links Telegram could not open, and autolinks those it can', () => {
    const parsed = renderOne(
      'Edited [src/main.ts:42](src/main.ts#L42), see <https://example.com/a_b?x=1&y=2> or [chat](tg://resolve?domain=x).',
    );
    expect(parsed.text).toBe('Edited src/main.ts:42, see https://example.com/a_b?x=1&y=2 or chat.');
    expect(
      parsed.entities.filter((entity) => entity.type === 'text_link').map((entity) => entity.url),
    ).toEqual(['https://example.com/a_b?x=1&y=2', 'tg://resolve?domain=x']);
  });

  it('honours backslash escapes and makes bare URLs, underscores and all, tappable', () => {
    const parsed = renderOne('\\*not italic\\* and https://example.com/some_long_path_name/ too');
    expect(parsed.text).toBe('*not italic* and https://example.com/some_long_path_name/ too');
    expect(parsed.entities).toEqual([
      { type: 'text_link', offset: 17, length: 40, url: 'https://example.com/some_long_path_name/' },
    ]);
  });

  it('does not take file names for web addresses', () => {
    const parsed = renderOne('Edit README.md, main.py and app.rs; see //comment');
    expect(parsed.text).toBe('Edit README.md, main.py and app.rs; see //comment');
    expect(parsed.entities).toEqual([]);
  });

  it('flattens a quote inside a quote, because Telegram cannot nest them', () => {
    const parsed = renderOne('> outer\n> > inner *words*\n>\n> back out');
    expect(covered(parsed, 'blockquote')).toEqual(['outer\n\ninner words\n\nback out']);
    expect(covered(parsed, 'italic')).toEqual(['words']);
  });

  it('renders setext headings and keeps soft line breaks of a paragraph', () => {
    const parsed = renderOne('Summary\n=======\nfirst line\nsecond line');
    expect(parsed.text).toBe('Summary\n\nfirst line\nsecond line');
    expect(covered(parsed, 'bold')).toEqual(['Summary']);
  });

  it('renders a code block whose content itself contains a shorter fence', () => {
    const parsed = renderOne('````markdown\n```js\nlet a = 1 < 2;\n```\n````');
    expect(covered(parsed, 'pre')).toEqual(['```js\nlet a = 1 < 2;\n```']);
  });

  it('renders nothing for blank input', () => {
    expect(renderMarkdown('  \n\n ')).toEqual([]);
  });
});
