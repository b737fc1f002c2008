import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PermissionUpdate } from '@anthropic-ai/claude-agent-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRule, type PathEnv, ruleFor, systemPathEnv } from '../../../src/claude/rules/index.ts';

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'rule-for-')));
const session = path.join(root, 'work');
mkdirSync(path.join(session, 'src', 'lib'), { recursive: true });
mkdirSync(path.join(root, 'elsewhere'), { recursive: true });
symlinkSync(path.join(root, 'elsewhere'), path.join(session, 'link'));
const env: PathEnv = { ...systemPathEnv(), homeDir: path.join(root, 'home') };
afterAll(() => rmSync(root, { recursive: true, force: true }));

const suggest = (...rules: { toolName: string; ruleContent?: string }[]): PermissionUpdate[] => [
  { type: 'addRules', rules, behavior: 'allow', destination: 'session' },
];
const chosen = (tool: string, input: Record<string, unknown>, suggestions?: PermissionUpdate[]) => {
  const rule = ruleFor(tool, input, suggestions, session, env);
  return rule && formatRule(rule);
};

describe('ruleFor: Bash', () => {
  it("takes the SDK's suggestion when it allows this very command", () => {
    expect(
      chosen(
        'Bash',
        { command: 'npm test -- --watch' },
        suggest({ toolName: 'Bash', ruleContent: 'npm test:*' }),
      ),
    ).toBe('Bash(npm test:*)');
  });

  it('without a suggestion, the exact command line', () => {
    expect(chosen('Bash', { command: '  make build  ' })).toBe('Bash(make build)');
  });

  it('a compound command gets its exact text, never a prefix of its first part', () => {
    const suggestions = suggest(
      { toolName: 'Bash', ruleContent: 'npm test:*' },
      { toolName: 'Bash', ruleContent: 'rm:*' },
    );
    expect(chosen('Bash', { command: 'npm test && rm -rf build' }, suggestions)).toBe(
      'Bash(npm test && rm -rf build)',
    );
    expect(chosen('Bash', { command: 'echo x >> log.txt' })).toBe('Bash(echo x >> log.txt)');
  });

  it('refuses a bare Bash suggestion, and suggestions that are not allow rules', () => {
    expect(chosen('Bash', { command: 'ls' }, suggest({ toolName: 'Bash' }))).toBe('Bash(ls)');
    const others: PermissionUpdate[] = [
      { type: 'setMode', mode: 'bypassPermissions', destination: 'session' },
      { type: 'addDirectories', directories: ['/'], destination: 'session' },
      {
        type: 'addRules',
        rules: [{ toolName: 'Bash', ruleContent: 'ls:*' }],
        behavior: 'deny',
        destination: 'session',
      },
    ];
    expect(chosen('Bash', { command: 'ls -la' }, others)).toBe('Bash(ls -la)');
  });

  it('no rule for an empty command', () => {
    expect(chosen('Bash', { command: ' ' })).toBeUndefined();
  });
});

describe('ruleFor: files', () => {
  it("inside the session directory: the file's directory as a glob, or ./name at the top", () => {
    expect(chosen('Edit', { file_path: path.join(session, 'src', 'lib', 'a.ts') })).toBe('Edit(src/lib/**)');
    expect(chosen('Write', { file_path: path.join(session, 'src', 'new', 'b.ts') })).toBe('Edit(src/new/**)');
    expect(chosen('Edit', { file_path: 'src/a.ts' })).toBe('Edit(src/**)');
    expect(chosen('Write', { file_path: path.join(session, 'notes.md') })).toBe('Edit(./notes.md)');
  });

  it('outside it: the exact real path, never a glob', () => {
    expect(chosen('Edit', { file_path: '/etc/hosts' })).toBe('Edit(//etc/hosts)');
    expect(chosen('Read', { file_path: path.join(session, '..', 'elsewhere', 'x.txt') })).toBe(
      `Read(/${root}/elsewhere/x.txt)`,
    );
  });

  it('a symlink out of the session directory gets the exact path it points to', () => {
    expect(chosen('Edit', { file_path: path.join(session, 'link', 'secret.txt') })).toBe(
      `Edit(/${root}/elsewhere/secret.txt)`,
    );
  });

  it('refuses suggestions that reach beyond the session directory, keeps those inside it', () => {
    const wide = suggest({ toolName: 'Edit', ruleContent: `/${root}/**` });
    expect(chosen('Edit', { file_path: path.join(session, 'src', 'a.ts') }, wide)).toBe('Edit(src/**)');
    const climbing = suggest({ toolName: 'Edit', ruleContent: 'src/../../**' });
    expect(chosen('Edit', { file_path: path.join(session, 'src', 'a.ts') }, climbing)).toBe('Edit(src/**)');
    const inside = suggest({ toolName: 'Edit', ruleContent: `/${session}/src/**` });
    expect(chosen('Edit', { file_path: path.join(session, 'src', 'a.ts') }, inside)).toBe(
      `Edit(/${session}/src/**)`,
    );
    const bare = suggest({ toolName: 'Edit' });
    expect(chosen('Edit', { file_path: '/etc/hosts' }, bare)).toBe('Edit(//etc/hosts)');
  });

  it('searches: the searched directory as a Read rule', () => {
    expect(chosen('Grep', { pattern: 'x', path: path.join(session, 'src') })).toBe('Read(src/**)');
    expect(chosen('Glob', { pattern: '*.ts' })).toBe('Read(/**)');
    expect(chosen('Grep', { pattern: 'x', path: '/var/log' })).toBe('Read(//var/log)');
    expect(chosen('Glob', { pattern: '/etc/*' })).toBeUndefined();
  });

  it('no rule for a name that would read as a glob', () => {
    expect(chosen('Edit', { file_path: '/tmp/what?.txt' })).toBeUndefined();
  });
});

describe('ruleFor: other tools', () => {
  it('WebFetch: the domain of the URL', () => {
    expect(chosen('WebFetch', { url: 'https://Docs.Example.com/a?b' })).toBe(
      'WebFetch(domain:docs.example.com)',
    );
    expect(chosen('WebFetch', { url: 'ftp://example.com' })).toBeUndefined();
  });

  it('MCP tools and tools without a specifier: the tool name', () => {
    expect(chosen('mcp__github__create_issue', { title: 'x' })).toBe('mcp__github__create_issue');
    expect(chosen('WebSearch', { query: 'x' })).toBe('WebSearch');
  });

  it('never a rule for a question or a plan', () => {
    expect(chosen('AskUserQuestion', { questions: [] })).toBeUndefined();
    expect(chosen('ExitPlanMode', {})).toBeUndefined();
  });
});
