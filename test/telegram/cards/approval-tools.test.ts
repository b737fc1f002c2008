// SPEC.md "Permission prompts": the card says exactly what the tool will do — the command line,
// the path with a short diff, the URL, the pattern, the MCP server and tool — and what `Allow for
// session` would store, which is what reaches the session's rules when pressed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CardWorld, cardWorld } from './card-world.ts';

let world: CardWorld;
beforeEach(async () => {
  world = await cardWorld();
});
afterEach(async () => {
  await world.close();
});

const HEADING = '🔐 Approval needed · session work';
const REPLY_HINT = 'Reply to this message to deny with a reason.';

/** The card's lines between the heading and the reply hint. */
const body = (text: string): string[] => {
  const lines = text.split('\n');
  expect(lines[0]).toBe(HEADING);
  expect(lines.at(-1)).toBe(REPLY_HINT);
  return lines.slice(1, -1);
};

describe('what the card shows for each kind of tool, and the rule Allow for session stores', () => {
  it.each<[string, (dir: string) => Record<string, unknown>, string[], string]>([
    ['Read', (dir) => ({ file_path: `${dir}/notes.md` }), ['Read', 'notes.md'], 'Read(./notes.md)'],
    [
      'Write',
      (dir) => ({ file_path: `${dir}/src/new.ts`, content: 'a\nb\nc' }),
      ['Write', 'src/new.ts +3 −0', '+ a', '+ b', '+ c'],
      'Edit(src/**)',
    ],
    [
      'Edit',
      (dir) => ({ file_path: `${dir}/src/a.ts`, old_string: 'x = 1', new_string: 'x = 2\ny = 3' }),
      ['Edit', 'src/a.ts +2 −1', '- x = 1', '+ x = 2', '+ y = 3'],
      'Edit(src/**)',
    ],
    [
      'Edit',
      () => ({ file_path: '/etc/hosts', old_string: 'x', new_string: 'y' }),
      ['Edit', '/etc/hosts +1 −1', '- x', '+ y'],
      'Edit(//etc/hosts)',
    ],
    [
      'WebFetch',
      () => ({ url: 'https://example.com/docs?q=<a>', prompt: 'read' }),
      ['WebFetch', 'https://example.com/docs?q=<a>'],
      'WebFetch(domain:example.com)',
    ],
    [
      'Grep',
      (dir) => ({ pattern: 'TODO|FIXME', path: `${dir}/src`, glob: '*.ts' }),
      ['Grep', 'pattern TODO|FIXME in files *.ts under src'],
      'Read(src/**)',
    ],
    ['Glob', () => ({ pattern: '**/*.md' }), ['Glob', 'pattern **/*.md under .'], 'Read(/**)'],
    [
      'mcp__github__create_issue',
      () => ({ title: 'Bug <1>' }),
      ['create_issue (MCP)', 'MCP server github, tool create_issue', '{"title":"Bug <1>"}'],
      'mcp__github__create_issue',
    ],
  ])('%s', async (tool, input, shows, rule) => {
    const { decision } = world.ask(tool, input(world.sessionDir));
    const card = await world.nextCard();
    expect(body(card.text)).toEqual([...shows, `Allow for session adds the rule ${rule}.`]);
    expect(world.buttons(card).map((button) => button.text)).toEqual([
      '✅ Allow',
      '🔁 Allow for session',
      '❌ Deny',
    ]);
    await world.press(card, 'Allow for session');
    expect(await decision).toMatchObject({ allow: true, rule: expect.any(Object) });
    expect(world.rules.bySession.get('work')).toEqual([rule]);
    const decided = await world.now(card);
    expect(decided.text.endsWith(`✅ Allowed for this session by Ann (rule: ${rule})`)).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
  });

  it('a rule that would reach outside the session directory is not offered', async () => {
    const suggestions = [
      {
        type: 'addRules' as const,
        rules: [{ toolName: 'Read', ruleContent: '//etc/**' }],
        behavior: 'allow' as const,
        destination: 'session' as const,
      },
    ];
    const { decision } = world.ask('Read', { file_path: '/etc/passwd' }, { suggestions });
    const card = await world.nextCard();
    expect(card.text).not.toContain('//etc/**');
    expect(card.text).toContain('Read(//etc/passwd)');
    await world.press(card, 'Allow for session');
    await decision;
    expect(world.rules.bySession.get('work')).toEqual(['Read(//etc/passwd)']);
  });
});

describe('a long command', () => {
  it('is trimmed on the card, says so, and Show full sends the whole of it without deciding', async () => {
    const command = `echo ${'x'.repeat(3000)} && echo end`;
    const { decision } = world.ask('Bash', { command });
    const card = await world.nextCard();
    expect(card.text).not.toContain('echo end');
    expect(card.text).toContain(`Part of ${command.length} characters shown; Show full has the whole text.`);
    expect(card.html?.length).toBeLessThanOrEqual(4096 - 800);
    expect(world.buttons(card).map((button) => button.text)).toEqual([
      '✅ Allow',
      '🔁 Allow for session',
      '❌ Deny',
      '📜 Show full',
    ]);
    await world.press(card, 'Show full');
    const full = await world.tg.nextMessage(card.chatId, { timeoutMs: 5000 });
    expect(full.text).toBe(command);
    expect(world.cards.size).toBe(1);
    await world.press(card, 'Allow');
    expect(await decision).toEqual({ allow: true });
    expect(world.buttons(await world.now(card))).toEqual([]);
  });
});

describe('terminal escapes and bidi characters', () => {
  it('are shown as visible marks in the command, its description and the reason, never raw', async () => {
    world.ask(
      'Bash',
      { command: 'echo ok\u001b[2K\u001b[1Arm -rf ~ #\u202Etxt', description: 'tidy\u2067up\u0007' },
      { decisionReason: 'Claude\u202E says so' },
    );
    const card = await world.nextCard();
    expect(card.text).toContain('echo ok␛[2K␛[1Arm -rf ~ #⟨U+202E⟩txt');
    const raw = [...card.text].filter((char) => /[\p{Cc}\p{Bidi_Control}]/u.test(char) && char !== '\n');
    expect(raw).toEqual([]);
    expect(body(card.text).slice(0, 3)).toEqual(['Bash', 'Claude⟨U+202E⟩ says so', expect.any(String)]);
    expect(card.text).toContain('tidy⟨U+2067⟩up');
  });
});
