import { describe, expect, it } from 'vitest';
import { forwardsToClaude, isBotCommand } from '../../src/telegram/commands/control.ts';

const known = [
  { name: 'compact', description: '', builtin: true, aliases: [] },
  { name: 'usage', description: '', builtin: true, aliases: ['cost', 'stats'] },
  { name: 'config', description: '', builtin: true, aliases: [] },
  { name: 'deploy', description: 'the project command', builtin: false, aliases: [] },
];

describe('forwardsToClaude', () => {
  it("forwards the phone commands Claude Code knows (by name or alias) and the project's own", () => {
    expect(forwardsToClaude('compact', known)).toBe(true);
    expect(forwardsToClaude('cost', known)).toBe(true);
    expect(forwardsToClaude('deploy', known)).toBe(true);
  });

  it('keeps back the rest, and what the process does not know', () => {
    expect(forwardsToClaude('config', known)).toBe(false);
    expect(forwardsToClaude('stats', known)).toBe(false);
    expect(forwardsToClaude('clear', known)).toBe(false);
    expect(forwardsToClaude('frobnicate', known)).toBe(false);
  });
});

describe('isBotCommand', () => {
  it("names the bot's own commands, which never wait for Claude Code's list of commands", () => {
    for (const name of ['new', 'Session', 'help', 'start', 'archive', 'timeout'])
      expect(isBotCommand(name)).toBe(true);
    expect(isBotCommand('compact')).toBe(false);
    expect(isBotCommand('deploy')).toBe(false);
  });
});
