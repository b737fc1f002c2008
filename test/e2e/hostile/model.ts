// The scripted model of the hostile-input test: it echoes, answers pathological Markdown and a
// 1 MB text on cue, asks for a Bash command full of terminal escapes, and calls send_file as told.
import { type Script, SEND_FILE_TOOL } from '../../fakes/anthropic/index.ts';

const wideTable = (columns: number): string => {
  const header = Array.from({ length: columns }, (_, i) => `c${i}`);
  return [
    `| ${header.join(' | ')} |`,
    `|${' --- |'.repeat(columns)}`,
    `| ${header.map((_, i) => (i === columns - 1 ? 'MARK-table' : `<v${i}>`)).join(' | ')} |`,
  ].join('\n');
};

/** Answers that have broken renderers elsewhere; each carries a mark to find it by in the chat. */
export const PATHOLOGICAL_MARKDOWN: Record<string, string> = {
  'unclosed fence': '```js\n<b>bold?</b> & </pre> stuff\nnever closed MARK-fence',
  'emphasis storm': `${'*_~'.repeat(1500)}MARK-emphasis${'_*'.repeat(1500)}`,
  'raw HTML and entities':
    '<script>alert(1)</script><b><i>unclosed <a href="javascript:alert(1)">x</a> &nbsp; &#0; &#xD800; &bogus; </b></b></i> MARK-html',
  'a 300-column table': wideTable(300),
  'a list nested 300 deep': `${Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n')}\n\nMARK-list`,
  'hostile link targets':
    '[click](javascript:alert(1)) [tg](tg://resolve?domain=x) [file](file:///etc/passwd) [empty]() <https://a.b/<b>> MARK-links',
  'a 9000-character word': `${'x'.repeat(9000)}MARK-word`,
  'bidi, zero-width and escapes': '\u202Eevil\u200B\u0007\u001b[31mred\u001b[0m\u0000 MARK-bidi',
  '3000 inline code spans': `${'`x` '.repeat(3000)}MARK-spans`,
  'a blockquote 200 deep': `${'> '.repeat(200)}deep MARK-quote`,
  '5000 emoji across every split': `${'😀'.repeat(5000)}MARK-emoji`,
  'a heading of 5000 hashes': `${'#'.repeat(5000)} MARK-hashes`,
};

/** The 1 MB answer: lines so a reader can check it arrived whole. */
export const MEGABYTE_ANSWER = Array.from(
  { length: 16_384 },
  (_, i) => `line ${String(i).padStart(5, '0')} ${'m'.repeat(50)}`,
).join('\n');

/**
 * A file path whose escapes would clear a terminal, recolour and retitle it, and reverse the text.
 * (Claude Code itself refuses a Bash command with control characters before asking; a path it asks about.)
 */
export const ESCAPED_PATH =
  '/tmp/\u001b[2J\u001b[31mharmless\u001b[0m\u001b]0;pwned\u0007 \u202Etxt.exe <b>&amp; </code></pre>';

export const hostileModel: Script = (turn) => {
  const [result] = turn.toolResults;
  if (result) return { text: `Tool said: ${result.content}` };
  const text = turn.userText;
  const markdown = PATHOLOGICAL_MARKDOWN[text.replace(/^answer /, '')];
  if (text.startsWith('answer ') && markdown !== undefined) return { text: markdown };
  if (text === 'answer a megabyte') return { text: MEGABYTE_ANSWER };
  if (text === 'write the escaped path')
    return {
      toolUse: {
        name: 'Write',
        input: { file_path: ESCAPED_PATH, content: '\u001b[8mhidden\u001b[0m \u202Econtent </pre>' },
      },
    };
  if (text.startsWith('send file '))
    return { toolUse: { name: SEND_FILE_TOOL, input: JSON.parse(text.slice('send file '.length)) } };
  return { text: `You said: ${text}` };
};
