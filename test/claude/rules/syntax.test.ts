import { describe, expect, it } from 'vitest';
import { formatRule, parseRule, parseRules, sameRule, toRuleValue } from '../../../src/claude/rules/index.ts';

describe('parseRule and formatRule', () => {
  it.each([
    ['Bash', { toolName: 'Bash' }],
    ['Bash(npm test:*)', { toolName: 'Bash', ruleContent: 'npm test:*' }],
    ['Bash(git status)', { toolName: 'Bash', ruleContent: 'git status' }],
    ['Edit(src/**)', { toolName: 'Edit', ruleContent: 'src/**' }],
    ['Read(//etc/hosts)', { toolName: 'Read', ruleContent: '//etc/hosts' }],
    ['WebFetch(domain:example.com)', { toolName: 'WebFetch', ruleContent: 'domain:example.com' }],
    ['mcp__github', { toolName: 'mcp__github' }],
    ['mcp__github__create_issue', { toolName: 'mcp__github__create_issue' }],
    ['mcp__github__*', { toolName: 'mcp__github__*' }],
    ['Bash(echo (nested) parens)', { toolName: 'Bash', ruleContent: 'echo (nested) parens' }],
  ])('reads %s and writes it back the same', (text, rule) => {
    expect(parseRule(text)).toEqual(rule);
    expect(formatRule(rule)).toBe(text);
  });

  it('reads Tool(*) as the bare tool', () => {
    expect(parseRule('Bash(*)')).toEqual({ toolName: 'Bash' });
  });

  it.each(['', 'Bash()', 'Bash(  )', 'Bash(ls', '1Bash', 'Ba sh', '(ls)', 'Bash*'])('refuses %j', (text) => {
    expect(parseRule(text)).toBeUndefined();
  });

  it('turns a rule into the SDK value and compares rules by their text', () => {
    expect(toRuleValue({ toolName: 'Bash' })).toEqual({ toolName: 'Bash' });
    expect(toRuleValue({ toolName: 'Bash', ruleContent: 'ls' })).toEqual({
      toolName: 'Bash',
      ruleContent: 'ls',
    });
    expect(sameRule({ toolName: 'Bash', ruleContent: 'ls' }, parseRule('Bash(ls)') ?? { toolName: '' })).toBe(
      true,
    );
    expect(sameRule({ toolName: 'Bash', ruleContent: 'ls' }, { toolName: 'Bash' })).toBe(false);
  });
});

describe('parseRules', () => {
  it('keeps the stored texts that are rules, in order', () => {
    expect(parseRules(['Bash(ls)', 'Bash(', 'Edit(src/**)'])).toEqual([
      { toolName: 'Bash', ruleContent: 'ls' },
      { toolName: 'Edit', ruleContent: 'src/**' },
    ]);
  });
});
