import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findMatchingRule,
  matchesRule,
  type PathEnv,
  parseRule,
  systemPathEnv,
} from '../../../src/claude/rules/index.ts';

// A real directory tree, so symlinks and `..` are judged as the file system sees them.
const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'rules-')));
const session = path.join(root, 'sessions', 'work');
const home = path.join(root, 'home');
mkdirSync(path.join(session, 'src', 'lib'), { recursive: true });
mkdirSync(path.join(root, 'elsewhere'), { recursive: true });
mkdirSync(home, { recursive: true });
writeFileSync(path.join(session, 'src', 'a.ts'), '');
writeFileSync(path.join(root, 'elsewhere', 'secret.txt'), '');
symlinkSync(path.join(root, 'elsewhere'), path.join(session, 'src', 'escape'));
const env: PathEnv = { ...systemPathEnv(), homeDir: home };
afterAll(() => rmSync(root, { recursive: true, force: true }));

const allows = (rule: string, tool: string, input: Record<string, unknown>): boolean => {
  const parsed = parseRule(rule);
  if (!parsed) throw new Error(`bad rule ${rule}`);
  return matchesRule(parsed, tool, input, session, env);
};
const file = (...parts: string[]) => ({ file_path: path.join(session, ...parts) });

describe('matchesRule: tool names', () => {
  it('a bare tool allows every use of it and nothing else', () => {
    expect(allows('Bash', 'Bash', { command: 'rm -rf / && x' })).toBe(true);
    expect(allows('WebSearch', 'WebSearch', { query: 'x' })).toBe(true);
    expect(allows('Bash', 'BashOutput', {})).toBe(false);
  });

  it('MCP rules: one tool, or every tool of a server', () => {
    expect(allows('mcp__github__create_issue', 'mcp__github__create_issue', {})).toBe(true);
    expect(allows('mcp__github__create_issue', 'mcp__github__delete_repo', {})).toBe(false);
    expect(allows('mcp__github', 'mcp__github__delete_repo', {})).toBe(true);
    expect(allows('mcp__github__*', 'mcp__github__delete_repo', {})).toBe(true);
    expect(allows('mcp__github', 'mcp__githubx__list', {})).toBe(false);
  });

  it('an unknown specifier on another tool matches nothing', () => {
    expect(allows('Task(anything)', 'Task', { description: 'anything' })).toBe(false);
  });
});

describe('matchesRule: Bash and WebFetch', () => {
  it('Bash rules read the command', () => {
    expect(allows('Bash(npm test:*)', 'Bash', { command: 'npm test -- x' })).toBe(true);
    expect(allows('Bash(npm test:*)', 'Bash', { command: 'npm test && rm -rf /' })).toBe(false);
    expect(allows('Bash(npm test:*)', 'Bash', {})).toBe(false);
  });

  it('WebFetch domain rules match the host exactly, or its subdomains with *.', () => {
    expect(allows('WebFetch(domain:example.com)', 'WebFetch', { url: 'https://example.com/a' })).toBe(true);
    expect(allows('WebFetch(domain:example.com)', 'WebFetch', { url: 'https://EXAMPLE.com' })).toBe(true);
    expect(allows('WebFetch(domain:example.com)', 'WebFetch', { url: 'https://evil-example.com/' })).toBe(
      false,
    );
    expect(allows('WebFetch(domain:example.com)', 'WebFetch', { url: 'https://example.com.evil.io/' })).toBe(
      false,
    );
    expect(allows('WebFetch(domain:example.com)', 'WebFetch', { url: 'https://a.example.com/' })).toBe(false);
    expect(allows('WebFetch(domain:*.example.com)', 'WebFetch', { url: 'https://a.example.com/' })).toBe(
      true,
    );
    expect(allows('WebFetch(domain:*.example.com)', 'WebFetch', { url: 'https://example.com/' })).toBe(false);
    expect(allows('WebFetch(domain:example.com)', 'WebFetch', { url: 'file://example.com/etc' })).toBe(false);
    expect(allows('WebFetch(domain:example.com)', 'WebFetch', { url: 'not a url' })).toBe(false);
  });
});

describe('matchesRule: paths', () => {
  it('Edit(src/**) covers every editing tool under src, and nothing beside it', () => {
    expect(allows('Edit(src/**)', 'Edit', file('src', 'a.ts'))).toBe(true);
    expect(allows('Edit(src/**)', 'Write', file('src', 'lib', 'new.ts'))).toBe(true);
    expect(allows('Edit(src/**)', 'MultiEdit', file('src', 'a.ts'))).toBe(true);
    expect(
      allows('Edit(src/**)', 'NotebookEdit', { notebook_path: path.join(session, 'src', 'n.ipynb') }),
    ).toBe(true);
    expect(allows('Edit(src/**)', 'Edit', file('test', 'a.ts'))).toBe(false);
    expect(allows('Edit(src/**)', 'Read', file('src', 'a.ts'))).toBe(false);
    expect(allows('Write(src/**)', 'Edit', file('src', 'a.ts'))).toBe(false);
    expect(allows('Write(src/**)', 'Write', file('src', 'a.ts'))).toBe(true);
  });

  it('relative file paths are taken from the session directory', () => {
    expect(allows('Edit(src/**)', 'Edit', { file_path: 'src/a.ts' })).toBe(true);
  });

  it('`..` never climbs out of a rule: neither in the file path nor in the pattern', () => {
    expect(allows('Edit(src/**)', 'Edit', file('src', '..', '..', 'other', 'src', 'a.ts'))).toBe(false);
    expect(allows('Edit(src/**)', 'Edit', { file_path: 'src/../../work/src/a.ts' })).toBe(true);
    expect(allows('Edit(src/../../**)', 'Edit', file('src', 'a.ts'))).toBe(false);
  });

  it('a symlink inside the session directory is judged by where it points', () => {
    expect(allows('Edit(src/**)', 'Edit', file('src', 'escape', 'secret.txt'))).toBe(false);
    expect(allows('Read(src/**)', 'Read', file('src', 'escape', 'secret.txt'))).toBe(false);
    expect(allows(`Edit(/${root}/elsewhere/**)`, 'Edit', file('src', 'escape', 'secret.txt'))).toBe(true);
  });

  it('gitignore forms: //absolute, ~/home, /anchored, ./anchored, and a bare name at any depth', () => {
    expect(
      allows(`Read(/${root}/elsewhere/secret.txt)`, 'Read', { file_path: `${root}/elsewhere/secret.txt` }),
    ).toBe(true);
    expect(allows('Read(~/notes/*.md)', 'Read', { file_path: path.join(home, 'notes', 'a.md') })).toBe(true);
    expect(allows('Read(~/notes/*.md)', 'Read', { file_path: path.join(home, 'notes', 'sub', 'a.md') })).toBe(
      false,
    );
    expect(allows('Edit(/src/*.ts)', 'Edit', file('src', 'a.ts'))).toBe(true);
    expect(allows('Edit(/src/*.ts)', 'Edit', file('src', 'lib', 'b.ts'))).toBe(false);
    expect(allows('Edit(./README.md)', 'Edit', file('README.md'))).toBe(true);
    expect(allows('Edit(./README.md)', 'Edit', file('docs', 'README.md'))).toBe(false);
    expect(allows('Edit(*.md)', 'Edit', file('docs', 'deep', 'x.md'))).toBe(true);
    expect(allows('Edit(**/*.md)', 'Edit', file('x.md'))).toBe(true);
    expect(allows('Edit(*.md)', 'Edit', { file_path: `${root}/elsewhere/x.md` })).toBe(false);
  });

  it('a pattern naming a directory covers what is inside it, as in gitignore', () => {
    expect(allows('Edit(src)', 'Edit', file('src', 'lib', 'x.ts'))).toBe(true);
    expect(allows('Edit(src)', 'Edit', file('srcx', 'x.ts'))).toBe(false);
  });

  it('Read rules cover a Grep or Glob only when they cover the whole directory searched', () => {
    expect(allows('Read(src/**)', 'Grep', { pattern: 'x', path: path.join(session, 'src') })).toBe(true);
    expect(allows('Read(src/**)', 'Grep', { pattern: 'x', path: path.join(session, 'src', 'lib') })).toBe(
      true,
    );
    expect(allows('Read(src/**)', 'Grep', { pattern: 'x' })).toBe(false);
    expect(allows('Read(src/*.ts)', 'Glob', { pattern: '*', path: path.join(session, 'src') })).toBe(false);
    expect(allows('Read(/**)', 'Glob', { pattern: '**/*.ts' })).toBe(true);
    expect(allows('Read(/**)', 'Glob', { pattern: '/etc/**' })).toBe(false);
    expect(allows('Read(/**)', 'Glob', { pattern: '../**' })).toBe(false);
  });

  it('a file tool without a path matches no path rule', () => {
    expect(allows('Edit(src/**)', 'Edit', {})).toBe(false);
  });
});

describe('findMatchingRule', () => {
  it('gives the first rule that allows the call', () => {
    const rules = ['Bash(git status)', 'Bash(npm test:*)', 'Bash'].map(
      (text) => parseRule(text) ?? { toolName: '' },
    );
    expect(findMatchingRule(rules, 'Bash', { command: 'npm test' }, session, env)).toEqual(rules[1]);
    expect(findMatchingRule(rules.slice(0, 2), 'Bash', { command: 'make' }, session, env)).toBeUndefined();
  });
});
