import { realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledClaudePath, checkClaudeExecutable } from '../../src/doctor/claude.ts';
import { PROJECT_ROOT } from '../e2e/harness.ts';

describe('bundledClaudePath', () => {
  it('finds the claude binary of the Agent SDK platform package, as the SDK does', () => {
    const expected = path.join(
      PROJECT_ROOT,
      'node_modules',
      '@anthropic-ai',
      `claude-agent-sdk-${process.platform}-${process.arch}`,
      'claude',
    );
    expect(bundledClaudePath()).toBe(realpathSync(expected));
  });

  it('is undefined for a platform with no package installed', () => {
    expect(bundledClaudePath('aix', 'ppc64')).toBeUndefined();
  });
});

describe('checkClaudeExecutable', () => {
  it('names CLAUDE_PATH when it points at nothing', async () => {
    const result = await checkClaudeExecutable('/nonexistent/claude', process.env, 5_000);
    expect(result).toMatchObject({
      status: 'fail',
      detail: '/nonexistent/claude --version failed (ENOENT)',
      fix: expect.stringContaining('CLAUDE_PATH'),
    });
  });

  it('fails an executable that exits with an error', async () => {
    const result = await checkClaudeExecutable('/bin/false', process.env, 5_000);
    expect(result).toMatchObject({ status: 'fail', detail: '/bin/false --version failed (exit status 1)' });
  });
});
