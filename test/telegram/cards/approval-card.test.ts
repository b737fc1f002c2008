import { describe, expect, it } from 'vitest';
import {
  type ApprovalRequest,
  approvalButtons,
  approvalCard,
  decidedApprovalCard,
  MESSAGE_LIMIT,
} from '../../../src/telegram/cards/approval-card.ts';
import { parseCallbackData } from '../../../src/telegram/cards/callback-data.ts';
import { escapeCut } from '../../../src/telegram/cards/escape-cut.ts';
import { fullText, inputSummary } from '../../../src/telegram/cards/tool-view.ts';
import { type ApprovalOutcome, approvalOutcomeLine } from '../../../src/telegram/copy/control.ts';
import { parseTelegramHtml } from '../../fakes/telegram/html.ts';

const sessionDir = '/data/sessions/work';
const request = (toolName: string, input: Record<string, unknown>, extra: Partial<ApprovalRequest> = {}) => ({
  session: 'work',
  sessionDir,
  toolName,
  input,
  ...extra,
});

/** The card as the owner reads it: Telegram's own parse of the HTML, which must succeed. */
function shown(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`Telegram would refuse this card: ${parsed.error}\n${html}`);
  expect(parsed.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  expect(html.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  return parsed.text;
}

describe('approvalCard', () => {
  it('Bash: names the session and tool and shows the whole command line in a code block', () => {
    const card = approvalCard(
      request(
        'Bash',
        { command: 'npm test && echo "<done>" > out.txt', description: 'Run tests' },
        { rule: 'Bash(npm test && echo "<done>" > out.txt)' },
      ),
    );
    expect(card.trimmed).toBe(false);
    expect(card.html).toContain(
      '<pre><code class="language-bash">npm test &amp;&amp; echo "&lt;done&gt;" &gt; out.txt</code></pre>',
    );
    const text = shown(card.html);
    expect(text).toContain('work');
    expect(text).toContain('Bash');
    expect(text).toContain('Run tests');
    expect(text).toContain('npm test && echo "<done>" > out.txt');
    expect(text).toContain('adds the rule Bash(npm test && echo "<done>" > out.txt)');
  });

  it('a long command is trimmed, says so, and the full text stays available', () => {
    const command = `echo ${'x'.repeat(10_000)}`;
    const card = approvalCard(request('Bash', { command }));
    expect(card.trimmed).toBe(true);
    const text = shown(card.html);
    expect(text).toContain('Part of 10005 characters shown; Show full has the whole text.');
    expect(fullText('Bash', { command })).toBe(command);
  });

  it('neutralises escape sequences and bidi overrides in the command', () => {
    const card = approvalCard(request('Bash', { command: 'echo ok\u001b[2K\u001b[1Arm -rf ~ #\u202Etxt' }));
    const text = shown(card.html);
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('echo ok␛[2K␛[1Arm -rf ~ #⟨U+202E⟩txt');
  });

  it('Edit: the path relative to the session and a short diff', () => {
    const card = approvalCard(
      request('Edit', {
        file_path: `${sessionDir}/src/a.ts`,
        old_string: 'const a = 1;',
        new_string: 'const a = 2;\nconst b = a < 3;',
      }),
    );
    const text = shown(card.html);
    expect(text).toContain('src/a.ts +2 −1');
    expect(text).toContain('- const a = 1;\n+ const a = 2;\n+ const b = a < 3;');
    expect(card.html).toContain('language-diff');
  });

  it('Write outside the session: the absolute path and the new lines', () => {
    const text = shown(
      approvalCard(request('Write', { file_path: '/etc/motd', content: 'hello\nworld' })).html,
    );
    expect(text).toContain('/etc/motd +2 −0');
    expect(text).toContain('+ hello\n+ world');
  });

  it('MultiEdit: every edit counted, a huge one capped', () => {
    const edits = [
      { old_string: 'a', new_string: 'b' },
      { old_string: '', new_string: Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n') },
    ];
    const text = shown(approvalCard(request('MultiEdit', { file_path: 'README.md', edits })).html);
    expect(text).toContain('README.md +501 −1');
    expect(text).toContain('more changed line(s)');
  });

  it.each([
    ['Read', { file_path: `${sessionDir}/notes.md` }, 'notes.md'],
    ['WebFetch', { url: 'https://example.com/a?b=<c>', prompt: 'summarise' }, 'https://example.com/a?b=<c>'],
    ['WebSearch', { query: 'grammY inline keyboard' }, 'grammY inline keyboard'],
    [
      'Grep',
      { pattern: 'TODO|FIXME', path: `${sessionDir}/src`, glob: '*.ts' },
      'pattern TODO|FIXME in files *.ts under src',
    ],
    ['Glob', { pattern: '**/*.md' }, 'pattern **/*.md under .'],
    [
      'mcp__github__create_issue',
      { title: 'Bug <1>' },
      'MCP server github, tool create_issue\n{"title":"Bug <1>"}',
    ],
    ['Task', { description: 'look around' }, '{"description":"look around"}'],
  ])('%s shows what it acts on', (tool, input, expected) => {
    expect(shown(approvalCard(request(tool, input)).html)).toContain(expected);
  });

  it('the reason Claude Code gives is shown', () => {
    const text = shown(
      approvalCard(
        request('Read', { file_path: '/etc/shadow' }, { reason: 'Path is outside the allowed directories' }),
      ).html,
    );
    expect(text).toContain('Path is outside the allowed directories');
  });

  it('stays within Telegram limits even when escaping makes the text longer', () => {
    const command = '<&>'.repeat(3000);
    const card = approvalCard(request('Bash', { command }, { rule: `Bash(${command})` }));
    const decided = decidedApprovalCard(card, {
      kind: 'allowed_for_session',
      by: 'Ann'.repeat(100),
      rule: `Bash(${command})`,
    });
    shown(card.html);
    shown(decided);
  });
});

describe('decidedApprovalCard and the outcome lines', () => {
  const card = approvalCard(request('Bash', { command: 'npm test' }));
  it.each<[ApprovalOutcome, string]>([
    [{ kind: 'allowed', by: 'Ann' }, 'Allowed by Ann'],
    [
      { kind: 'allowed_for_session', by: 'Ann', rule: 'Bash(npm test:*)' },
      'Allowed for this session by Ann (rule: Bash(npm test:*))',
    ],
    [{ kind: 'denied', by: 'Ann' }, 'Denied by Ann'],
    [{ kind: 'denied', by: 'Ann', reason: 'use <yarn>' }, 'Denied by Ann: use <yarn>'],
    [{ kind: 'timed_out', afterMs: 600_000 }, 'Timed out after 10 min: denied'],
    [{ kind: 'timed_out', afterMs: 1500 }, 'Timed out after 1.5 s: denied'],
    [{ kind: 'cancelled', why: 'turn_ended' }, 'No longer needed (the turn ended)'],
    [{ kind: 'cancelled', why: 'stopped' }, 'No longer needed (the turn was stopped)'],
  ])('%j reads %s', (outcome, expected) => {
    const text = shown(decidedApprovalCard(card, outcome));
    expect(text).toContain('npm test');
    expect(text.endsWith(expected)).toBe(true);
    expect(text).not.toContain('Reply to this message');
    expect(shown(approvalOutcomeLine(outcome))).toContain(expected);
  });

  it('a name with a bidi override cannot disguise who decided', () => {
    expect(shown(approvalOutcomeLine({ kind: 'allowed', by: 'Eve\u202Enna' }))).toBe(
      '✅ Allowed by Eve⟨U+202E⟩nna',
    );
  });
});

describe('approvalButtons', () => {
  it('Allow, Allow for session, Deny, carrying only the card id and a one-letter action', () => {
    const rows = approvalButtons('AAAAAAAAAAAAAAAA', { rule: true, trimmed: false });
    expect(rows.flat().map((button) => button.text.replace(/^\S+ /, ''))).toEqual([
      'Allow',
      'Allow for session',
      'Deny',
    ]);
    expect(rows.flat().map((button) => parseCallbackData(button.data))).toEqual([
      { id: 'AAAAAAAAAAAAAAAA', action: 'a' },
      { id: 'AAAAAAAAAAAAAAAA', action: 's' },
      { id: 'AAAAAAAAAAAAAAAA', action: 'd' },
    ]);
  });

  it('without a rule there is no Allow for session; a trimmed card gets Show full', () => {
    const rows = approvalButtons('AAAAAAAAAAAAAAAA', { rule: false, trimmed: true });
    expect(rows.flat().map((button) => button.text.replace(/^\S+ /, ''))).toEqual([
      'Allow',
      'Deny',
      'Show full',
    ]);
  });
});

describe('escapeCut', () => {
  it('cuts on the escaped length and never inside an entity', () => {
    expect(escapeCut('a<b', 10)).toBe('a&lt;b');
    expect(escapeCut('a<b', 5)).toBe('a…');
    expect(escapeCut('😀😀😀', 5)).toBe('😀😀…');
  });
});

describe('inputSummary', () => {
  it('one short line for the audit log', () => {
    expect(inputSummary('Bash', { command: 'npm test\n&& echo \u001b[31m' })).toBe('npm test && echo ␛[31m');
    expect(inputSummary('Edit', { file_path: '/a/b.ts', old_string: 'x' })).toBe('/a/b.ts');
    expect(inputSummary('mcp__x__y', { a: 1 })).toBe('{"a":1}');
    expect(inputSummary('Bash', { command: 'x'.repeat(500) })).toHaveLength(200);
  });
});
